// Domains (`domains:`): named types over a built-in type or an enum.

#include <cctype>

#include "parse/parser.hpp"

namespace hyperschema::parse {

std::optional<ColumnType> Parser::domain_type(const std::string& text) {
    std::string name;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)))
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    int dims = 0;
    while (name.size() > 2 && name.compare(name.size() - 2, 2, "[]") == 0) {
        ++dims;
        name.resize(name.size() - 2);
    }
    auto found = domain_types_.find(name);
    if (found == domain_types_.end()) return std::nullopt;
    std::string why;
    auto base = parse_column_type(found->second, enum_names_, &why);
    if (!base) base = ColumnType{};  // the domain's own type is reported where the domain is declared
    base->domain = name;
    base->array_dims = dims;  // a domain over an array is refused by the validator
    return base;
}

void Parser::parse_domains(ParseContext& ctx, const YAML::Node& node) {
    MapReader domains(ctx, node, "`domains`");
    for (auto& entry : domains.entries()) {
        Domain d;
        d.name = entry.key;
        d.loc = entry.key_loc;
        check_identifier(ctx, d.name, d.loc, "domain");
        const std::string what = "domain `" + d.name + "`";
        auto read_type = [&](const std::string& text, const SourceLocation& loc) {
            d.type_loc = loc;
            bool nullable = false;
            std::string why;
            if (auto t = parse_column_type(text, enum_names_, &why)) {
                d.type = *t;
            } else if (domain_types_.count(text)) {
                ctx.diags.error(loc, what + " is over domain `" + text +
                                         "`; hyperschema declares domains over built-in types and enums only, so "
                                         "write that domain's type and checks here");
            } else {
                parse_type(ctx, text, loc, &nullable);  // reports why, with suggestions
            }
        };
        if (entry.value.IsScalar()) {
            read_type(entry.value.Scalar(), location_of(ctx, entry.value));
            schema_.domains.push_back(std::move(d));
            continue;
        }
        MapReader spec(ctx, entry.value, what);
        if (!spec.valid()) continue;
        if (auto type = spec.take_string("type")) read_type(*type, spec.value_loc("type"));
        spec.require("type", "the base type, e.g. `type: numeric(5,2)`");
        d.not_null = spec.take_bool("not_null").value_or(false);
        if (auto def = spec.take_string("default_sql")) d.default_sql = *def;
        if (auto check = spec.take("check")) {
            // One unnamed check: PostgreSQL names it <domain>_check.
            CheckConstraint c{d.name + "_check", read_sql(ctx, *check, "`check` of " + what).value_or(""),
                              location_of(ctx, *check)};
            d.checks.push_back(std::move(c));
        }
        if (auto checks = spec.take("checks")) {
            MapReader named(ctx, *checks, "`checks` of " + what);
            for (auto& c : named.entries()) {
                check_identifier(ctx, c.key, c.key_loc, "check constraint");
                d.checks.push_back({c.key, read_sql(ctx, c.value, "check `" + c.key + "`").value_or(""), c.key_loc});
            }
        }
        if (auto c = spec.take_string("comment")) d.comment = *c;
        spec.finish();
        schema_.domains.push_back(std::move(d));
    }
}

}  // namespace hyperschema::parse
