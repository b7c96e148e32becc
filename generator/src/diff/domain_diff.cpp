// Domains: created after the enums they may be over, dropped before them;
// checks, NOT NULL, default and comment change in place (ALTER DOMAIN). A new
// base type cannot: PostgreSQL has no ALTER DOMAIN ... TYPE.

#include <algorithm>

#include "diff/object_diff.hpp"
#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"

namespace hyperschema::diff {
namespace {

using emit::qualified;
using emit::quote_ident;

const CheckConstraint* find_check(const Domain& d, const std::string& name) {
    auto it = std::find_if(d.checks.begin(), d.checks.end(), [&](const CheckConstraint& c) { return c.name == name; });
    return it == d.checks.end() ? nullptr : &*it;
}

void alter_domain(const Schema& to, const Domain& old, const Domain& d, Output& out) {
    const std::string alter = "ALTER DOMAIN " + qualified(to.namespace_, d.name) + " ";
    auto add = [&](const std::string& summary, const std::string& sql) {
        out.add(Stage::CreateDomains, "~ domain " + d.name + ": " + summary, alter + sql + ";\n", Phase::Transaction,
                d.loc);
    };
    for (const auto& c : old.checks) {
        const CheckConstraint* now = find_check(d, c.name);
        if (!now || now->expression != c.expression)
            add("drop check " + c.name, "DROP CONSTRAINT " + quote_ident(c.name));
    }
    for (const auto& c : d.checks) {
        const CheckConstraint* was = find_check(old, c.name);
        // Existing rows are checked: a value the new check refuses fails the migration.
        if (!was || was->expression != c.expression)
            add("check " + c.name, "ADD CONSTRAINT " + quote_ident(c.name) + " CHECK (" + c.expression + ")");
    }
    if (old.not_null != d.not_null)
        add(d.not_null ? "set NOT NULL" : "drop NOT NULL", d.not_null ? "SET NOT NULL" : "DROP NOT NULL");
    if (old.default_sql != d.default_sql)
        add("default", d.default_sql.empty() ? "DROP DEFAULT" : "SET DEFAULT " + d.default_sql);
    if (old.comment != d.comment)
        out.add(Stage::CreateDomains, "~ comment on domain " + d.name,
                "COMMENT ON DOMAIN " + qualified(to.namespace_, d.name) + " IS " +
                    (d.comment.empty() ? "NULL" : emit::quote_literal(d.comment)) + ";\n");
}

}  // namespace

void diff_domains(const Schema& from, const Schema& to, Output& out) {
    for (const auto& d : to.domains) {
        const Domain* old = from.find_domain(d.name);
        if (!old) {
            out.add(Stage::CreateDomains, "+ domain " + d.name, emit::create_domain(to, d), Phase::Transaction, d.loc);
        } else if (emit::column_type_sql(from, old->type) != emit::column_type_sql(to, d.type)) {
            out.unsupported_change(d.type_loc, "domain `" + d.name + "` changes its base type from `" +
                                                   old->type.sql() + "` to `" + d.type.sql() +
                                                   "`, which PostgreSQL cannot alter; declare a new domain, move "
                                                   "the columns to it, and drop this one in a later migration");
        } else {
            alter_domain(to, *old, d, out);
        }
    }
    for (const auto& old : from.domains) {
        if (to.find_domain(old.name)) continue;
        out.add(Stage::DropDomains, "- domain " + old.name,
                "DROP DOMAIN " + qualified(from.namespace_, old.name) + ";\n");
    }
}

}  // namespace hyperschema::diff
