// Grants name roles the schema declares (`roles:`): hyperschema does not
// create roles, and a role misspelt in one grant would fail the migration
// ("role does not exist") or, worse, name another role that happens to exist.

#include <algorithm>

#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

void check_roles_of(const Schema& schema, const std::vector<Grant>& grants, const std::string& owner,
                    Diagnostics& diags) {
    std::vector<std::string> roles;
    for (const auto& r : schema.roles) roles.push_back(r.name);
    for (const auto& g : grants) {
        if (std::find(roles.begin(), roles.end(), g.role) != roles.end()) continue;
        diags.error(g.loc, "the grants of " + owner + " name role `" + g.role + "`, which `roles:` does not list" +
                               did_you_mean(g.role, roles) +
                               "; hyperschema grants to existing roles only: add it, e.g. `roles: [" + g.role + "]`");
    }
}

}  // namespace

void check_grants(const Schema& schema, Diagnostics& diags) {
    check_roles_of(schema, schema.namespace_grants, "the schema", diags);
    for (const auto& t : schema.tables) check_roles_of(schema, t.grants, "table `" + t.name + "`", diags);
    for (const auto& v : schema.views) check_roles_of(schema, v.grants, "view `" + v.name + "`", diags);
    for (const auto& a : schema.aggregates)
        check_roles_of(schema, a.grants, "continuous aggregate `" + a.name + "`", diags);
    for (const auto& s : schema.sequences) check_roles_of(schema, s.grants, "sequence `" + s.name + "`", diags);
    for (const auto& f : schema.functions) check_roles_of(schema, f.grants, "function `" + f.name + "`", diags);
    std::vector<std::string> seen;
    for (const auto& r : schema.roles) {
        if (std::find(seen.begin(), seen.end(), r.name) != seen.end())
            diags.error(r.loc, "role `" + r.name + "` is listed twice in `roles`");
        seen.push_back(r.name);
    }
}

}  // namespace hyperschema::rules
