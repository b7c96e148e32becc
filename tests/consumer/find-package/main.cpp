// A consumer of the installed hyperschema: the runtime header, and the headers
// hyperschema_generate() wrote at build time for every seed schema (all four
// must compile here with -Werror). Needs no database.
#include <hyperschema/hyperschema.hpp>
#include <iostream>

#include "aetherlens/migrations.hpp"
#include "aetherlens/schema.hpp"
#include "forecast/migrations.hpp"
#include "forecast/schema.hpp"
#include "gridpulse/migrations.hpp"
#include "gridpulse/schema.hpp"
#include "heatpump/migrations.hpp"
#include "heatpump/schema.hpp"

int main() {
    const std::vector<hyperschema::Migration>& migrations = heatpump::migrations();
    const hyperschema::ExpectedSchema& schema = heatpump::expected_schema();
    std::cout << "schema " << schema.name << ": " << migrations.size() << " migrations, version " << schema.version
              << "; " << heatpump::readings::name << " has " << heatpump::readings::columns.size() << " columns\n";
    // The helpers link: their definitions are in the libraries hyperschema_generate() built.
    const void* helpers[] = {reinterpret_cast<const void*>(&heatpump::readings::range),
                             reinterpret_cast<const void*>(&aetherlens::metrics::insert),
                             reinterpret_cast<const void*>(&aetherlens::metrics_hourly::refresh),
                             reinterpret_cast<const void*>(&gridpulse::observations::for_each)};
    for (const void* helper : helpers)
        if (helper == nullptr) return 1;
    const bool all_named = aetherlens::expected_schema().name == "aetherlens" &&
                           forecast::expected_schema().name == "forecast" &&
                           gridpulse::expected_schema().name == "gridpulse";
    return schema.name == "heatpump" && !migrations.empty() && all_named ? 0 : 1;
}
