#include <algorithm>
#include <cctype>

#include "model/names.hpp"
#include "parse/parser.hpp"

namespace hyperschema::parse {

void Parser::parse_tables(ParseContext& ctx, const YAML::Node& node) {
    MapReader tables(ctx, node, "`tables`");
    for (auto& entry : tables.entries()) {
        schema_.tables.push_back(parse_table(ctx, entry.key, entry.key_loc, entry.value));
    }
}

Table Parser::parse_table(ParseContext& ctx, const std::string& name, const SourceLocation& loc,
                          const YAML::Node& node) {
    Table table;
    table.name = name;
    table.loc = loc;
    check_identifier(ctx, name, loc, "table");
    MapReader spec(ctx, node, "table `" + name + "`");
    if (!spec.valid()) return table;
    if (auto c = spec.take_string("comment")) table.comment = *c;
    if (auto g = spec.take("grants"))
        table.grants = parse_grants(ctx, *g, catalog::GrantTarget::Table, "table `" + name + "`");
    table.unlogged = spec.take_bool("unlogged").value_or(false);
    if (auto storage = spec.take("storage")) {
        table.storage_loc = location_of(ctx, *storage);
        MapReader params(ctx, *storage, "`storage` of table `" + name + "`");
        for (auto& p : params.entries()) {
            auto value = read_scalar(ctx, p.value, "storage parameter `" + p.key + "`");
            if (value) table.storage.push_back({p.key, *value, p.key_loc});
        }
    }
    if (auto old = spec.take_string("renamed_from")) {
        if (check_identifier(ctx, *old, spec.value_loc("renamed_from"), "previous table")) {
            table.renamed_from = NameRef{*old, spec.value_loc("renamed_from")};
        }
    }
    if (auto n = spec.take("columns")) parse_columns(ctx, table, *n, spec.key_loc("columns"));
    spec.require("columns", "a mapping of column names to types, e.g. `columns: {id: bigint}`");
    if (auto n = spec.take("primary_key")) {
        if (table.primary_key) {
            auto& d = ctx.diags.error(location_of(ctx, *n), "table `" + name +
                                                                "` declares its primary key twice: on a column and in "
                                                                "`primary_key`; keep one");
            Diagnostics::add_note(d, table.primary_key->loc, "column-level primary key is here");
        } else {
            PrimaryKey pk;
            pk.loc = spec.key_loc("primary_key");
            pk.name = derived_name(name, {}, "pkey");
            if (n->IsMap()) {
                // {name: readings_pk, columns: [device_id, time], include: [value]}
                MapReader key(ctx, *n, "`primary_key` of table `" + name + "`");
                pk.columns = key.take_names("columns");
                if (auto given = key.take_string("name");
                    given && check_identifier(ctx, *given, key.value_loc("name"), "constraint"))
                    pk.name = *given;
                pk.include = key.take_names("include");
                if (auto c = key.take_string("comment")) pk.comment = *c;
                key.require("columns", "the key's columns, e.g. `columns: [device_id, time]`");
                key.finish();
            } else {
                pk.columns = read_name_list(ctx, *n, "`primary_key` of table `" + name + "`");
            }
            // A list that could not be read is reported already; an empty one is the validator's.
            if (!pk.columns.empty() || (n->IsSequence() && n->size() == 0)) table.primary_key = std::move(pk);
        }
    }
    if (auto n = spec.take("unique")) parse_unique(ctx, table, *n);
    if (auto n = spec.take("foreign_keys")) parse_foreign_keys(ctx, table, *n);
    if (auto n = spec.take("checks")) parse_checks(ctx, table, *n);
    if (auto n = spec.take("exclusions")) parse_exclusions(ctx, table, *n);
    if (auto n = spec.take("indexes")) parse_indexes(ctx, table, *n);
    if (auto n = spec.take("hypertable")) table.hypertable = parse_hypertable(ctx, name, *n);
    if (auto n = spec.take("triggers")) parse_triggers(ctx, table, *n);
    if (auto n = spec.take("data")) parse_table_data(ctx, table, *n);
    report_stray_columns(ctx, table, node, spec);
    spec.finish();
    return table;
}

// `value: real` beside `columns:` is a column written one level too high.
void Parser::report_stray_columns(ParseContext& ctx, const Table& table, const YAML::Node& node, MapReader& spec) {
    for (const auto& pair : node) {
        if (!pair.first.IsScalar() || spec.taken(pair.first.Scalar())) continue;
        const std::string key = pair.first.Scalar();
        std::string type;
        if (pair.second.IsScalar()) {
            type = pair.second.Scalar();
        } else if (pair.second.IsMap() && pair.second["type"] && pair.second["type"].IsScalar()) {
            type = pair.second["type"].Scalar();
        } else {
            continue;
        }
        while (!type.empty() && (type.back() == '?' || std::isspace(static_cast<unsigned char>(type.back()))))
            type.pop_back();
        std::string why;
        if (!parse_column_type(type, enum_names_, &why)) continue;
        spec.reported(key);  // reported here, not again as an unknown key
        ctx.diags.error(location_of(ctx, pair.first), "unknown key `" + key + "` in table `" + table.name +
                                                          "`: it looks like a column of type `" + type +
                                                          "`; columns belong under `columns:` (indent it there)");
    }
}

void Parser::parse_columns(ParseContext& ctx, Table& table, const YAML::Node& node, const SourceLocation& key_loc) {
    const std::string what = "`columns` of table `" + table.name + "`";
    if (node.IsNull() || (node.IsMap() && node.size() == 0)) {
        ctx.diags.error(key_loc, "table `" + table.name +
                                     "` has no columns; list them under `columns`, e.g. `columns: {id: bigint}`");
        return;
    }
    if (node.IsSequence()) {
        // `- id: bigint` items: read the columns anyway, so that later checks
        // do not report them unknown, and say to drop the dashes.
        ctx.diags.error(location_of(ctx, node), what +
                                                    " must be a mapping of column names to types, not a list; "
                                                    "remove the `-` before each column, e.g. `columns: {id: bigint}`");
        for (const auto& item : node) {
            if (!item.IsMap()) continue;
            for (const auto& pair : item) {
                if (!pair.first.IsScalar()) continue;
                table.columns.push_back(
                    parse_column(ctx, table, pair.first.Scalar(), location_of(ctx, pair.first), pair.second));
            }
        }
        return;
    }
    MapReader columns(ctx, node, what);
    for (auto& entry : columns.entries()) {
        table.columns.push_back(parse_column(ctx, table, entry.key, entry.key_loc, entry.value));
    }
}

std::optional<ColumnType> Parser::parse_type(ParseContext& ctx, std::string text, const SourceLocation& loc,
                                             bool* nullable) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (!text.empty() && text.back() == '?') {
        *nullable = true;
        text.pop_back();
    }
    if (auto domain = domain_type(text)) return domain;
    std::string why;
    auto type = parse_column_type(text, enum_names_, &why);
    if (!type) {
        std::vector<std::string> candidates = known_type_names();
        candidates.insert(candidates.end(), enum_names_.begin(), enum_names_.end());
        for (const auto& [domain, base] : domain_types_) candidates.push_back(domain);
        std::string base = text.substr(0, text.find_first_of("([?"));
        if (text.find('(') != std::string::npos && text.find(')') == std::string::npos) {
            ctx.diags.error(loc, why +
                                     ": inside a YAML flow mapping `{...}` a comma ends the value; quote the "
                                     "type, e.g. `type: \"numeric(12,3)\"`");
            return type;
        }
        ctx.diags.error(loc, why + did_you_mean(base, candidates) +
                                 "; expected a PostgreSQL type such as `bigint`, `text`, `varchar(100)`, "
                                 "`numeric(12,3)`, `timestamptz`, `jsonb`, `uuid`, an array like `text[]`, or an "
                                 "enum declared under `enums`");
    }
    return type;
}

namespace {

// serial, bigserial, smallserial (and serial4, serial8, serial2): PostgreSQL's
// shorthand for an integer column with a sequence of its own.
std::optional<BaseType> serial_type(std::string text) {
    while (!text.empty() && (text.back() == '?' || std::isspace(static_cast<unsigned char>(text.back()))))
        text.pop_back();
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (text == "serial" || text == "serial4") return BaseType::Integer;
    if (text == "bigserial" || text == "serial8") return BaseType::Bigint;
    if (text == "smallserial" || text == "serial2") return BaseType::Smallint;
    return std::nullopt;
}

}  // namespace

// The column's type, or a serial type, which sets its `serial`.
void Parser::read_type_of(ParseContext& ctx, Column& column, const std::string& text) {
    if (auto serial = serial_type(text)) {
        column.serial = true;
        column.type = ColumnType::of(*serial);
        column.nullable = text.find('?') != std::string::npos;  // refused by the validator, at its place
        return;
    }
    if (auto t = parse_type(ctx, text, column.type_loc, &column.nullable)) column.type = *t;
}

// A column written as its type alone: `real`, `real?` (nullable).
void Parser::read_scalar_column_type(ParseContext& ctx, Column& column, const YAML::Node& node) {
    column.type_loc = location_of(ctx, node);
    read_type_of(ctx, column, node.Scalar());
}

// `type` (required) and `nullable` of a column written as a mapping.
void Parser::read_column_type(ParseContext& ctx, Column& column, MapReader& spec) {
    if (auto type = spec.take_string("type")) {
        column.type_loc = spec.value_loc("type");
        read_type_of(ctx, column, *type);
    }
    spec.require("type", "e.g. `type: bigint`");
    if (auto nullable = spec.take_bool("nullable")) column.nullable = column.nullable || *nullable;
}

Column Parser::parse_column(ParseContext& ctx, Table& table, const std::string& name, const SourceLocation& loc,
                            const YAML::Node& node) {
    Column column;
    column.name = name;
    column.loc = loc;
    check_identifier(ctx, name, loc, "column");
    if (node.IsScalar()) {
        read_scalar_column_type(ctx, column, node);
    } else {
        parse_column_spec(ctx, table, column, node);
    }
    return column;
}

void Parser::parse_column_spec(ParseContext& ctx, Table& table, Column& column, const YAML::Node& node) {
    const std::string what = "column `" + table.name + "." + column.name + "`";
    MapReader spec(ctx, node, what);
    if (!spec.valid()) return;
    read_column_type(ctx, column, spec);
    auto literal = spec.take("default");
    auto expression = spec.take_string("default_sql");
    if (literal && expression) {
        ctx.diags.error(spec.key_loc("default_sql"), what + " has both `default` and `default_sql`; keep one");
    } else if (literal) {
        if (literal->IsScalar()) {
            column.default_value = {ColumnDefault::Kind::Literal, literal->Scalar(), location_of(ctx, *literal)};
        } else {
            ctx.diags.error(
                location_of(ctx, *literal),
                "`default` of " + what +
                    " must be a single value (write JSON or arrays quoted, e.g. "
                    "`'{}'`); for an SQL expression use `default_sql`, and to have no default omit the key");
        }
    } else if (expression) {
        column.default_value = {ColumnDefault::Kind::Expression, *expression, spec.value_loc("default_sql")};
    }
    if (auto identity = spec.take("identity")) column.identity = parse_identity(ctx, what, *identity);
    if (auto collation = spec.take_string("collate")) {
        column.collation = *collation;
        column.collation_loc = spec.value_loc("collate");
    }
    if (auto generated = spec.take("generated")) {
        column.generated = read_sql(ctx, *generated, "`generated` of " + what).value_or("");
        column.generated_loc = location_of(ctx, *generated);
    }
    if (auto c = spec.take_string("comment")) column.comment = *c;
    if (auto old = spec.take_string("renamed_from")) {
        if (check_identifier(ctx, *old, spec.value_loc("renamed_from"), "previous column")) {
            column.renamed_from = NameRef{*old, spec.value_loc("renamed_from")};
        }
    }
    if (auto pk = spec.take_bool("primary_key"); pk && *pk) {
        if (!table.primary_key)
            table.primary_key = PrimaryKey{derived_name(table.name, {}, "pkey"), {}, spec.key_loc("primary_key"), {}};
        table.primary_key->columns.push_back({column.name, spec.key_loc("primary_key")});
    }
    if (auto unique = spec.take_bool("unique"); unique && *unique) {
        std::vector<NameRef> cols{{column.name, spec.key_loc("unique")}};
        table.uniques.push_back({derived_name(table.name, cols, "key"), cols, spec.key_loc("unique"), {}, false});
    }
    parse_column_references(ctx, table, column, node, spec);
    spec.finish();
}

// `references: devices` (its primary key), `references: devices.device_id`,
// with optional `on_delete` / `on_update` beside it.
void Parser::parse_column_references(ParseContext& ctx, Table& table, const Column& column, const YAML::Node&,
                                     MapReader& spec) {
    auto on_delete = parse_action(ctx, spec, "on_delete");
    auto on_update = parse_action(ctx, spec, "on_update");
    auto target = spec.take_string("references");
    if (!target) {
        if (on_delete || on_update) {
            ctx.diags.error(spec.loc(), "`on_delete`/`on_update` of column `" + column.name +
                                            "` need `references: <table>` beside them");
        }
        return;
    }
    ForeignKey fk;
    fk.loc = spec.key_loc("references");
    fk.columns = {{column.name, fk.loc}};
    SourceLocation target_loc = spec.value_loc("references");
    auto dot = target->find('.');
    fk.ref_table = {target->substr(0, dot), target_loc};
    check_identifier(ctx, fk.ref_table.name, target_loc, "referenced table");
    if (dot != std::string::npos) {
        std::string ref_column = target->substr(dot + 1);
        if (check_identifier(ctx, ref_column, target_loc, "referenced column"))
            fk.ref_columns = {{ref_column, target_loc}};
    }
    fk.on_delete = on_delete.value_or(ReferentialAction::NoAction);
    fk.on_update = on_update.value_or(ReferentialAction::NoAction);
    fk.name = derived_name(table.name, fk.columns, "fkey");
    table.foreign_keys.push_back(std::move(fk));
}

std::optional<ReferentialAction> Parser::parse_action(ParseContext& ctx, MapReader& map, const std::string& key) {
    auto text = map.take_string(key);
    if (!text) return std::nullopt;
    static const std::vector<std::pair<std::string, ReferentialAction>> kActions{
        {"no action", ReferentialAction::NoAction},
        {"restrict", ReferentialAction::Restrict},
        {"cascade", ReferentialAction::Cascade},
        {"set null", ReferentialAction::SetNull},
        {"set default", ReferentialAction::SetDefault}};
    std::string lowered;
    for (char c : *text) lowered += c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& [word, action] : kActions) {
        if (lowered == word) return action;
    }
    std::vector<std::string> words;
    for (const auto& a : kActions) words.push_back(a.first);
    ctx.diags.error(map.value_loc(key),
                    "`" + key + "` must be " + one_of(words) + ", not `" + *text + "`" + did_you_mean(lowered, words));
    return std::nullopt;
}

void Parser::parse_unique(ParseContext& ctx, Table& table, const YAML::Node& node) {
    const std::string what = "`unique` of table `" + table.name + "`";
    if (!node.IsSequence()) {
        ctx.diags.error(location_of(ctx, node), what + " must be a list of column lists, e.g. `[[ba_id, type]]`");
        return;
    }
    // [a, b] is two one-column constraints; [[a, b]] is one over both.
    bool all_scalars = node.size() >= 2;
    for (const auto& item : node) all_scalars = all_scalars && item.IsScalar();
    if (all_scalars) {
        std::string names, together, apart;
        for (const auto& item : node) {
            const std::string sep = names.empty() ? "" : ", ";
            names += sep + "`" + item.Scalar() + "`";
            together += sep + item.Scalar();
            apart += sep + "[" + item.Scalar() + "]";
        }
        ctx.diags.warning(location_of(ctx, node),
                          what + " makes " + std::to_string(node.size()) + " one-column unique constraints (" + names +
                              " each unique on its own); if the columns are unique "
                              "together, write `[[" +
                              together + "]]`; to keep separate constraints, write `[" + apart + "]`");
    }
    for (const auto& item : node) {
        UniqueConstraint u;
        u.loc = location_of(ctx, item);
        if (item.IsMap()) {
            MapReader spec(ctx, item, "a unique constraint of table `" + table.name + "`");
            u.columns = spec.take_names("columns");
            if (auto name = spec.take_string("name")) {
                if (check_identifier(ctx, *name, spec.value_loc("name"), "constraint")) u.name = *name;
            }
            u.include = spec.take_names("include");
            if (auto nnd = spec.take_bool("nulls_not_distinct")) u.nulls_not_distinct = *nnd;
            if (auto c = spec.take_string("comment")) u.comment = *c;
            spec.require("columns");
            spec.finish();
        } else {
            u.columns = read_name_list(ctx, item, "a unique constraint of table `" + table.name + "`");
            if (u.columns.empty() && !(item.IsSequence() && item.size() == 0)) continue;  // reported already
        }
        if (u.name.empty()) u.name = derived_name(table.name, u.columns, "key");
        table.uniques.push_back(std::move(u));
    }
}

void Parser::parse_foreign_keys(ParseContext& ctx, Table& table, const YAML::Node& node) {
    const std::string what = "`foreign_keys` of table `" + table.name + "`";
    if (!node.IsSequence()) {
        ctx.diags.error(location_of(ctx, node),
                        what + " must be a list, e.g. `- {columns: [ba_id], references: balancing_authorities}`");
        return;
    }
    for (const auto& item : node) {
        ForeignKey fk;
        fk.loc = location_of(ctx, item);
        MapReader spec(ctx, item, "a foreign key of table `" + table.name + "`");
        if (!spec.valid()) continue;
        fk.columns = spec.take_names("columns");
        spec.require("columns", "the referencing columns of this table");
        if (auto ref = spec.take("references")) {
            if (ref->IsScalar()) {
                fk.ref_table = {ref->Scalar(), location_of(ctx, *ref)};
            } else {
                MapReader target(ctx, *ref, "`references` of a foreign key of table `" + table.name + "`");
                if (auto t = target.take_string("table")) fk.ref_table = {*t, target.value_loc("table")};
                fk.ref_columns = target.take_names("columns");
                target.require("table");
                target.finish();
            }
            if (!fk.ref_table.name.empty())
                check_identifier(ctx, fk.ref_table.name, fk.ref_table.loc, "referenced table");
        }
        spec.require("references",
                     "the referenced table, e.g. `references: devices` or "
                     "`references: {table: devices, columns: [device_id]}`");
        fk.on_delete = parse_action(ctx, spec, "on_delete").value_or(ReferentialAction::NoAction);
        fk.on_update = parse_action(ctx, spec, "on_update").value_or(ReferentialAction::NoAction);
        if (auto name = spec.take_string("name")) {
            if (check_identifier(ctx, *name, spec.value_loc("name"), "constraint")) fk.name = *name;
        }
        if (fk.name.empty()) fk.name = derived_name(table.name, fk.columns, "fkey");
        if (auto c = spec.take_string("comment")) fk.comment = *c;
        spec.finish();
        table.foreign_keys.push_back(std::move(fk));
    }
}

void Parser::parse_checks(ParseContext& ctx, Table& table, const YAML::Node& node) {
    MapReader checks(ctx, node, "`checks` of table `" + table.name + "`");
    for (auto& entry : checks.entries()) {
        CheckConstraint check;
        check.name = entry.key;
        check.loc = entry.key_loc;
        check_identifier(ctx, check.name, check.loc, "check constraint");
        const std::string what = "check `" + check.name + "`";
        if (entry.value.IsMap()) {  // {sql: ..., comment: ...}
            MapReader spec(ctx, entry.value, what);
            if (auto sql = spec.take("sql")) check.expression = read_sql(ctx, *sql, what).value_or("");
            if (auto c = spec.take_string("comment")) check.comment = *c;
            spec.require("sql", "the condition, e.g. `sql: value >= 0`");
            spec.finish();
        } else {
            check.expression = read_sql(ctx, entry.value, what).value_or("");
        }
        table.checks.push_back(std::move(check));
    }
}

}  // namespace hyperschema::parse
