// Tables: columns, defaults, keys, foreign keys and checks.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "catalog/column_types.hpp"
#include "catalog/storage_parameters.hpp"
#include "sqltext/lexer.hpp"
#include "sqltext/literals.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

// Words PostgreSQL converts when the table is created, so the default would
// be a fixed value, not the time of each insert.
std::string moving_word_problem(const ColumnType& type, const std::string& text) {
    std::string word;
    for (char c : text) {
        if (c != ' ') word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    static const std::vector<std::pair<std::string, std::string>> kMoving{{"now", "now()"},
                                                                          {"today", "current_date"},
                                                                          {"tomorrow", "current_date + 1"},
                                                                          {"yesterday", "current_date - 1"}};
    for (auto [moving, expression] : kMoving) {
        if (word == moving) {
            // A time of day takes the current time in its own type.
            if (type.base == BaseType::Time) expression = "localtime";
            if (type.base == BaseType::Timetz) expression = "current_time";
            return "PostgreSQL turns `" + moving +
                   "` into a fixed value when the table is created, so every row would get that moment, "
                   "not the time of its insert; write `default_sql: " +
                   expression + "`";
        }
    }
    return "";
}

std::string enum_label_problem(const Schema& schema, const ColumnType& t, const std::string& text) {
    const Enum* e = schema.find_enum(t.enum_name);
    if (!e || std::any_of(e->values.begin(), e->values.end(), [&](const NameRef& v) { return v.name == text; }))
        return "";
    std::vector<std::string> labels;
    for (const auto& v : e->values) labels.push_back(v.name);
    return "not a label of enum `" + t.enum_name + "`" + did_you_mean(text, labels);
}

// Why a literal default cannot be a value of the column's type, or "".
std::string literal_problem(const Schema& schema, const Column& column, const std::string& text) {
    const ColumnType& t = column.type;
    if (t.is_array()) {
        auto elements = sqltext::array_literal_elements(text);
        if (!elements) return "an array default is written as a PostgreSQL array literal, e.g. `'{}'` or `'{a,b}'`";
        Column element = column;
        element.type = t.element();
        for (const auto& e : *elements) {
            if (!e) continue;  // NULL
            if (std::string problem = literal_problem(schema, element, *e); !problem.empty())
                return "element `" + *e + "`: " + problem;
        }
        return "";
    }
    if (t.base == BaseType::Enum) return enum_label_problem(schema, t, text);
    const catalog::TypeTraits& traits = catalog::traits_of(t.base);
    if (traits.moving_literals) {
        if (std::string moving = moving_word_problem(t, text); !moving.empty()) return moving;
    }
    return traits.check_literal ? traits.check_literal(t, text) : "";
}

void check_default(const Schema& schema, const Table& table, const Column& column, Diagnostics& diags) {
    const ColumnDefault& d = column.default_value;
    const std::string what = "column `" + table.name + "." + column.name + "`";
    if (d.kind == ColumnDefault::Kind::Expression) {
        check_fragment(d.text, d.loc, {"the `default_sql` of " + what, nullptr, false, ""}, diags);
        check_default_expression(schema, table, column, diags);
        return;
    }
    if (d.kind != ColumnDefault::Kind::Literal) return;
    if (sqltext::starts_with_call(d.text)) {
        if (column.type.is_text_family()) {
            diags.warning(d.loc, "the default of " + what + " is the text `" + d.text +
                                     "`; if you meant to call a function, write `default_sql: " + d.text + "`");
        } else {
            diags.error(d.loc, "the default of " + what +
                                   " looks like an SQL expression; literal `default` values "
                                   "are quoted as data, so write `default_sql: " +
                                   d.text + "`");
        }
        return;
    }
    std::string problem = literal_problem(schema, column, d.text);
    if (!problem.empty()) {
        diags.error(
            d.loc, "invalid default `" + d.text + "` for " + what + " of type `" + column.type.sql() + "`: " + problem);
    }
}

void check_key_columns(const Table& table, const std::vector<NameRef>& columns, const std::string& what,
                       const SourceLocation& loc, Diagnostics& diags) {
    const auto names = column_names(table);
    std::vector<std::string> seen;
    for (const auto& c : columns) {
        if (!table.find_column(c.name)) {
            diags.error(c.loc, "unknown column `" + c.name + "` in " + what + " of table `" + table.name + "`" +
                                   did_you_mean(c.name, names));
        } else if (std::find(seen.begin(), seen.end(), c.name) != seen.end()) {
            diags.error(c.loc, "column `" + c.name + "` appears twice in " + what + " of table `" + table.name + "`");
        }
        seen.push_back(c.name);
    }
    if (columns.empty()) diags.error(loc, what + " of table `" + table.name + "` names no columns");
}

// Primary keys and unique constraints are btree indexes: json has no btree
// operator class, and json[] compares its elements, which json cannot.
void check_key_types(const Table& table, const std::vector<NameRef>& columns, const std::string& what,
                     Diagnostics& diags) {
    for (const auto& ref : columns) {
        const Column* c = table.find_column(ref.name);
        if (!c || c->type.base != BaseType::Json) continue;
        if (!c->type.is_array()) {
            diags.error(ref.loc, what + " of table `" + table.name + "` includes column `" + c->name +
                                     "` of type `json`, which PostgreSQL refuses (\"data type json has no default "
                                     "operator class for access method \"btree\"\"); change the column to `jsonb`");
        } else {
            diags.error(ref.loc, what + " of table `" + table.name + "` includes column `" + c->name + "` of type `" +
                                     c->type.sql() +
                                     "`: PostgreSQL cannot compare json values, so the second insert would fail "
                                     "(\"could not identify a comparison function for type json\"); use `jsonb` "
                                     "elements");
        }
    }
}

void check_primary_key(const Table& table, Diagnostics& diags) {
    if (!table.primary_key) return;
    check_key_columns(table, table.primary_key->columns, "the primary key", table.primary_key->loc, diags);
    check_key_types(table, table.primary_key->columns, "the primary key", diags);
    for (const auto& ref : table.primary_key->columns) {
        const Column* c = table.find_column(ref.name);
        if (c && c->nullable) {
            diags.error(c->loc, "primary key column `" + table.name + "." + c->name +
                                    "` is declared nullable, but PostgreSQL makes primary key columns NOT NULL; "
                                    "remove `?` / `nullable: true`");
        }
    }
}

// PostgreSQL: "constraints on permanent tables may reference only permanent
// tables" (an unlogged table may reference either).
static void check_foreign_key_persistence(const Table& table, const Table& target, const ForeignKey& fk,
                                          Diagnostics& diags) {
    if (table.unlogged || !target.unlogged) return;
    diags.error(fk.loc, "foreign key `" + fk.name + "` of logged table `" + table.name +
                            "` references unlogged table `" + target.name +
                            "`, which PostgreSQL refuses (\"constraints on permanent tables may reference only "
                            "permanent tables\"); make `" +
                            table.name + "` unlogged too, or `" + target.name + "` logged");
}

void check_foreign_key(const Schema& schema, const Table& table, const ForeignKey& fk, Diagnostics& diags) {
    if (const Table* target = schema.find_table(fk.ref_table.name))
        check_foreign_key_persistence(table, *target, fk, diags);
    check_key_columns(table, fk.columns, "a foreign key", fk.loc, diags);
    const Table* target = schema.find_table(fk.ref_table.name);
    if (!target) {
        std::string kind =
            schema.find_view(fk.ref_table.name) ? " is a view; foreign keys must reference a table"
            : schema.find_aggregate(fk.ref_table.name)
                ? " is a continuous aggregate; foreign keys must reference a table"
                : " is not a table of this schema" + did_you_mean(fk.ref_table.name, table_names(schema));
        diags.error(fk.ref_table.loc,
                    "foreign key of table `" + table.name + "` references `" + fk.ref_table.name + "`, which" + kind);
        return;
    }
    std::vector<NameRef> ref_columns = fk.ref_columns;
    if (ref_columns.empty()) {
        if (!target->primary_key) {
            diags.error(fk.ref_table.loc, "foreign key of table `" + table.name + "` references table `" +
                                              target->name +
                                              "`, which has no primary key; name the referenced columns");
            return;
        }
        ref_columns = target->primary_key->columns;
    }
    if (ref_columns.size() != fk.columns.size()) {
        diags.error(fk.loc, "foreign key of table `" + table.name + "` has " + std::to_string(fk.columns.size()) +
                                " column(s) but references " + std::to_string(ref_columns.size()) + " in `" +
                                target->name + "`");
        return;
    }
    std::vector<std::string> ref_names;
    for (size_t i = 0; i < ref_columns.size(); ++i) {
        const Column* ref = target->find_column(ref_columns[i].name);
        ref_names.push_back(ref_columns[i].name);
        if (!ref) {
            diags.error(ref_columns[i].loc, "unknown column `" + ref_columns[i].name + "` in table `" + target->name +
                                                "`" + did_you_mean(ref_columns[i].name, column_names(*target)));
            return;
        }
        const Column* own = table.find_column(fk.columns[i].name);
        if (own && !catalog::foreign_key_compatible(own->type, ref->type)) {
            diags.error(fk.columns[i].loc,
                        "foreign key column `" + table.name + "." + own->name + "` is `" + own->type.sql() +
                            "` but references `" + target->name + "." + ref->name + "` of type `" + ref->type.sql() +
                            "`; PostgreSQL has no equality operator between them in the referenced key's operator "
                            "family and no implicit cast (declare both columns `" +
                            ref->type.sql() + "`)");
        }
        const bool no_default = own && own->default_value.kind == ColumnDefault::Kind::None;
        if (own && !own->nullable && no_default && fk.on_delete == ReferentialAction::SetDefault) {
            diags.error(fk.loc,
                        "`on_delete: set default` on foreign key column `" + table.name + "." + own->name +
                            "`, which is NOT NULL and has no default: the default is NULL, so every delete of a "
                            "referenced row would fail; give the column a `default` or use `cascade`/`restrict`");
        }
        if (own && !own->nullable && fk.on_delete == ReferentialAction::SetNull) {
            diags.error(fk.loc,
                        "`on_delete: set null` on foreign key column `" + table.name + "." + own->name +
                            "`, which is NOT NULL: every delete of a referenced row would fail; make the column "
                            "nullable or use `cascade`/`restrict`");
        }
    }
    const Table::ReferencedKey key = target->referenced_key(ref_names);
    if (!key.found) {
        diags.error(fk.loc,
                    "foreign key of table `" + table.name + "` references columns of `" + target->name +
                        "` that are neither its primary key, a unique constraint nor a unique index without `where` on "
                        "exactly those columns; PostgreSQL requires one (add `unique: [[...]]` to `" +
                        target->name + "`)");
    } else if (key.index && key.index->concurrently) {
        // The index is built after the migration's transaction, which adds
        // the foreign key: the key would not exist yet when it is needed.
        diags.error(fk.loc, "foreign key of table `" + table.name + "` references columns of `" + target->name +
                                "` whose only unique key is index `" + key.index->name +
                                "`, built `concurrently` after the migration's transaction that adds the foreign "
                                "key; drop `concurrently` from the index or add `unique: [[...]]` to `" +
                                target->name + "`");
    }
}

// INCLUDE columns only ride along in the key's index: they must exist and be
// named once; any type will do (they are not compared).
void check_included_columns(const Table& table, const std::vector<NameRef>& include, const std::string& what,
                            Diagnostics& diags) {
    std::vector<std::string> seen;
    for (const auto& c : include) {
        if (!table.find_column(c.name))
            diags.error(c.loc, "unknown column `" + c.name + "` in `include` of " + what + " of table `" + table.name +
                                   "`" + did_you_mean(c.name, column_names(table)));
        else if (std::find(seen.begin(), seen.end(), c.name) != seen.end())
            diags.error(c.loc, "column `" + c.name + "` is included twice in " + what);
        seen.push_back(c.name);
    }
}

}  // namespace

std::string value_problem(const Schema& schema, const Column& column, const std::string& text) {
    return literal_problem(schema, column, text);
}

// A column of a NOT NULL domain cannot hold NULL, whatever it declares.
static void check_domain_columns(const Schema& schema, const Table& table, Diagnostics& diags) {
    for (const auto& c : table.columns) {
        if (c.type.domain.empty() || c.type.is_array() || !c.nullable) continue;
        const Domain* d = schema.find_domain(c.type.domain);
        if (d && d->not_null)
            diags.error(c.type_loc, "column `" + table.name + "." + c.name + "` is nullable, but its domain `" +
                                        d->name + "` is NOT NULL, so every NULL would be refused (\"domain " + d->name +
                                        " does not allow null values\"); remove `?`");
    }
}

static std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// WITH (...): names and values as reloptions.c checks them.
static void check_storage(const Table& table, Diagnostics& diags) {
    std::vector<std::string> known;
    for (const auto& p : catalog::kStorageParameters) known.emplace_back(p.name);
    for (const auto& [name, value, loc] : table.storage) {
        const std::string what = "storage parameter `" + name + "` of table `" + table.name + "`";
        const catalog::StorageParameter* p = catalog::find_storage_parameter(name);
        if (!p) {
            diags.error(loc, "unknown " + what + " (\"unrecognized parameter\")" + did_you_mean(name, known));
            continue;
        }
        bool ok = true;
        switch (p->kind) {
            case catalog::ParameterKind::Integer:
                ok = sqltext::is_integer_literal(value) && sqltext::integer_fits(value, 64) &&
                     std::strtod(value.c_str(), nullptr) >= p->min && std::strtod(value.c_str(), nullptr) <= p->max;
                break;
            case catalog::ParameterKind::Real: {
                const double v = std::strtod(value.c_str(), nullptr);  // HUGE_VAL when out of range: refused below
                ok = sqltext::is_number_literal(value) && v >= p->min && v <= p->max;
                break;
            }
            case catalog::ParameterKind::Boolean:
                ok = sqltext::parse_boolean_literal(value).has_value();
                break;
            case catalog::ParameterKind::Word: {
                std::string lower = sqltext::lowercase(value);
                ok = ("|" + std::string(p->words) + "|").find("|" + lower + "|") != std::string::npos;
                break;
            }
        }
        if (ok) continue;
        std::string expected = p->kind == catalog::ParameterKind::Boolean ? "true or false"
                               : p->kind == catalog::ParameterKind::Word
                                   ? std::string(p->words)
                                   : (p->kind == catalog::ParameterKind::Integer ? "a whole number" : "a number") +
                                         std::string(" from ") + number_text(p->min) + " to " + number_text(p->max);
        diags.error(loc, what + " is `" + value + "`; PostgreSQL takes " + expected);
    }
}

// COLLATE needs a type that sorts text.
static void check_collations(const Table& table, Diagnostics& diags) {
    for (const auto& c : table.columns) {
        if (c.collation.empty()) continue;
        const auto category = catalog::traits_of(c.type.base).category;
        if (category == catalog::TypeCategory::Text || c.type.base == BaseType::Citext) continue;
        diags.error(c.collation_loc, "column `" + table.name + "." + c.name + "` of type `" + c.type.sql() +
                                         "` has `collate`, but PostgreSQL collates text types only (\"collations are "
                                         "not supported by type " +
                                         c.type.message_name() + "\")");
    }
}

// citext, hstore, ltree: CREATE TABLE or DOMAIN fails unless the extension is there.
static void check_type_extension(const Schema& schema, const ColumnType& type, const SourceLocation& loc,
                                 const std::string& what, Diagnostics& diags) {
    const std::string extension(catalog::traits_of(type.base).extension);
    if (extension.empty() || schema.has_extension(extension)) return;
    diags.error(loc, what + " is of type `" + type.sql() + "`, which extension " + extension +
                         " brings (\"type does not exist\" without it); list it: `extensions: [" + extension + "]`");
}

static void check_extension_types(const Schema& schema, const Table& table, Diagnostics& diags) {
    for (const auto& c : table.columns)
        if (c.type.domain.empty())  // a domain's type is checked where it is declared
            check_type_extension(schema, c.type, c.type_loc, "column `" + table.name + "." + c.name + "`", diags);
}

void check_table(const Schema& schema, const Table& table, Diagnostics& diags) {
    // A table without columns is reported by the parser, which knows why.
    if (table.columns.size() > 1600) {
        diags.error(table.loc, "table `" + table.name + "` has " + std::to_string(table.columns.size()) +
                                   " columns, but PostgreSQL refuses more than 1600 (\"tables can have at most 1600 "
                                   "columns\"); split it, or move rarely used values into a jsonb column");
    }
    for (const auto& column : table.columns) {
        check_default(schema, table, column, diags);
    }
    check_domain_columns(schema, table, diags);
    check_extension_types(schema, table, diags);
    check_storage(table, diags);
    check_collations(table, diags);
    check_primary_key(table, diags);
    if (table.primary_key) check_included_columns(table, table.primary_key->include, "the primary key", diags);
    for (const auto& u : table.uniques) {
        check_key_columns(table, u.columns, "unique constraint `" + u.name + "`", u.loc, diags);
        check_key_types(table, u.columns, "unique constraint `" + u.name + "`", diags);
        check_included_columns(table, u.include, "unique constraint `" + u.name + "`", diags);
    }
    for (const auto& fk : table.foreign_keys) check_foreign_key(schema, table, fk, diags);
    const auto names = column_names(table);
    for (const auto& check : table.checks) {
        check_fragment(check.expression, check.loc,
                       {"check `" + check.name + "` of table `" + table.name + "`", &names, false, ""}, diags);
        check_json_comparisons(table, check.expression, check.loc,
                               "check `" + check.name + "` of table `" + table.name + "`", diags);
        check_check_expression(table, check, diags);
    }
}

// A domain's checks see one value, called VALUE.
void check_domains(const Schema& schema, Diagnostics& diags) {
    static const std::vector<std::string> kValue{"value"};
    for (const auto& d : schema.domains) {
        const std::string what = "domain `" + d.name + "`";
        check_type_extension(schema, d.type, d.type_loc, what, diags);
        if (d.type.is_array())
            diags.error(d.type_loc, what + " is over an array type (`" + d.type.sql() +
                                        "`), which hyperschema does not declare; make the column an array of a "
                                        "domain instead (`type: " +
                                        d.name + "[]` over `" + d.type.element().sql() + "`)");
        for (const auto& c : d.checks) {
            if (check_domain_check_shape(d, c, diags)) continue;
            check_fragment(c.expression, c.loc, {"check `" + c.name + "` of " + what, &kValue, false, ""}, diags);
            if (!sqltext::mentions_any(c.expression, {"value"}))
                diags.warning(c.loc, "check `" + c.name + "` of " + what +
                                         " does not read VALUE, so it holds for every value or none");
        }
    }
}

void check_view(const Schema& schema, const View& view, Diagnostics& diags) {
    check_fragment(view.sql, view.sql_loc, {"view `" + view.name + "`", nullptr, false, "", true}, diags);
    check_view_relations(schema, view, diags);
    for (const auto& dep : view.depends_on) {
        if (!schema.find_table(dep.name) && !schema.find_view(dep.name) && !schema.find_aggregate(dep.name)) {
            diags.error(dep.loc, "view `" + view.name + "` depends on unknown `" + dep.name + "`" +
                                     did_you_mean(dep.name, relation_names(schema)));
        }
        if (dep.name == view.name) diags.error(dep.loc, "view `" + view.name + "` cannot depend on itself");
    }
    // A materialized view's indexes are built with it, in the migration's
    // transaction; their columns are known where the view declares them.
    for (const auto& i : view.indexes)
        if (i.concurrently)
            diags.error(i.loc, "index `" + i.name + "` of materialized view `" + view.name +
                                   "` is marked `concurrently`, but it is built with the view, which a change "
                                   "re-creates in the migration's transaction; remove `concurrently`");
    if (!view.columns.empty()) check_indexes(schema, view.as_table(), diags);
}

}  // namespace hyperschema::rules
