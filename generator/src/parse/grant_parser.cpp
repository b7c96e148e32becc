// Grants (`grants: {role: [select, insert]}` on tables, views, aggregates,
// sequences, functions and the schema) and the roles they name (`roles:`).

#include <algorithm>
#include <cctype>

#include "parse/parser.hpp"

namespace hyperschema::parse {

using catalog::GrantTarget;

std::vector<Grant> Parser::parse_grants(ParseContext& ctx, const YAML::Node& node, GrantTarget target,
                                        const std::string& owner) {
    std::vector<Grant> out;
    const auto allowed = catalog::privileges_of(target);
    const std::string what = "`grants` of " + owner;
    MapReader grants(ctx, node, what);
    for (auto& entry : grants.entries()) {
        Grant g;
        g.role = entry.key;
        g.loc = entry.key_loc;
        std::vector<std::string> written;
        if (entry.value.IsScalar()) {
            written.push_back(entry.value.Scalar());
        } else if (entry.value.IsSequence()) {
            for (const auto& p : entry.value)
                if (p.IsScalar()) written.push_back(p.Scalar());
        } else {
            ctx.diags.error(location_of(ctx, entry.value),
                            what + ": the privileges of `" + g.role + "` are a list, e.g. `[select]`, or `all`");
            continue;
        }
        std::vector<std::string> privileges;
        for (auto p : written) {
            for (auto& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (p == "all") {
                privileges = allowed;
                continue;
            }
            if (std::find(allowed.begin(), allowed.end(), p) == allowed.end()) {
                ctx.diags.error(location_of(ctx, entry.value),
                                what + " grants `" + p + "` to `" + g.role + "`, which a " +
                                    std::string(catalog::grant_target(target).name) +
                                    " does not have (\"invalid privilege type\"); it takes " +
                                    std::string(catalog::grant_target(target).privileges) + " or all" +
                                    did_you_mean(p, allowed));
                continue;
            }
            privileges.push_back(p);
        }
        // In the kind's own order, each once: the same grant however it is written.
        std::vector<std::string> ordered;
        for (const auto& a : allowed)
            if (std::find(privileges.begin(), privileges.end(), a) != privileges.end()) ordered.push_back(a);
        g.privileges = std::move(ordered);
        if (!g.privileges.empty()) out.push_back(std::move(g));
    }
    return out;
}

void Parser::parse_roles(ParseContext& ctx, const YAML::Node& node) {
    for (const auto& role : read_name_list(ctx, node, "`roles`")) {
        if (!check_identifier(ctx, role.name, role.loc, "role")) continue;
        schema_.roles.push_back(role);
    }
}

}  // namespace hyperschema::parse
