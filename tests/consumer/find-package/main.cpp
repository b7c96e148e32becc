// A consumer of the installed hyperschema: the runtime header, and the heatpump
// headers hyperschema_generate() wrote at build time. Needs no database.
#include <hyperschema/hyperschema.hpp>
#include <iostream>

#include "heatpump/migrations.hpp"
#include "heatpump/schema.hpp"

int main() {
    const std::vector<hyperschema::Migration>& migrations = heatpump::migrations();
    const hyperschema::ExpectedSchema& schema = heatpump::expected_schema();
    std::cout << "schema " << schema.name << ": " << migrations.size() << " migrations, version " << schema.version
              << "; " << heatpump::readings::name << " has " << heatpump::readings::columns.size() << " columns\n";
    return schema.name == "heatpump" && !migrations.empty() ? 0 : 1;
}
