#include <algorithm>
#include <filesystem>
#include <regex>
#include <system_error>

#include "hyperschema/version.hpp"
#include "parse/parser.hpp"

namespace hyperschema::parse {

std::optional<std::string> read_sql(ParseContext& ctx, const YAML::Node& node, const std::string& what) {
    auto text = read_scalar(ctx, node, what);
    if (!text) return std::nullopt;
    // Trailing newlines from YAML block scalars are not part of the SQL.
    while (!text->empty() && (text->back() == '\n' || text->back() == ' ' || text->back() == ';')) text->pop_back();
    if (text->empty()) {
        ctx.diags.error(location_of(ctx, node), what + " must not be empty");
        return std::nullopt;
    }
    return text;
}

namespace {

// The directory's own name, also for `.`, `..` or a trailing slash: the last
// component of its real path.
std::string directory_name(const std::string& dir) {
    std::error_code ec;
    auto real = std::filesystem::weakly_canonical(std::filesystem::absolute(dir, ec), ec);
    if (ec) real = std::filesystem::path(dir).lexically_normal();
    if (!real.has_filename()) real = real.parent_path();
    return real.filename().string();
}

// A name taken from the directory must be one a user could have written in
// `schema: {name: ...}`: it becomes a C++ namespace, a path and a snapshot key.
void check_directory_name(const Schema& schema, Diagnostics& diags) {
    std::string problem = identifier_problem(schema.name, "schema");
    if (problem.empty()) return;
    diags.error({schema.directory, 0, 0}, "the directory `" + schema.directory + "` names the schema: " + problem +
                                              "; rename the directory, or name the schema in one of its files: "
                                              "`schema: {name: " +
                                              suggested_identifier(schema.name) + "}`");
}

}  // namespace

Schema parse_schema(const std::vector<SourceFile>& files, const std::string& dir, Diagnostics& diags) {
    Schema schema;
    schema.directory = dir;
    schema.name = directory_name(dir);
    Parser parser(schema, diags);
    // Enum and domain names first: a column in one file may use one from another.
    for (const auto& file : files) parser.collect_enum_names(file);
    for (const auto& file : files) parser.parse_file(file);
    if (!schema.name_loc.known()) check_directory_name(schema, diags);
    return schema;
}

void Parser::collect_enum_names(const SourceFile& file) {
    if (!file.root.IsMap()) return;
    for (const auto& top : merged_pairs(file.root)) {
        if (!top.first.IsScalar() || !top.second.IsMap()) continue;
        if (top.first.Scalar() == "enums") {
            for (const auto& e : merged_pairs(top.second))
                if (e.first.IsScalar()) enum_names_.push_back(e.first.Scalar());
        } else if (top.first.Scalar() == "domains") {
            // A domain's base type, as written: columns of it are typed by it.
            for (const auto& d : merged_pairs(top.second)) {
                if (!d.first.IsScalar()) continue;
                const YAML::Node type = d.second.IsMap() ? d.second["type"] : d.second;
                if (type && type.IsScalar()) domain_types_[d.first.Scalar()] = type.Scalar();
            }
        }
    }
}

void Parser::parse_file(const SourceFile& file) {
    ParseContext ctx{file.path, diags_};
    if (!file.root.IsDefined() || file.root.IsNull()) return;  // empty file, or a syntax error already reported
    MapReader top(ctx, file.root, "the top level of a schema file");
    if (!top.valid()) return;
    parse_settings(top, ctx);
    if (auto n = top.take("extensions")) parse_extensions(ctx, *n);
    if (auto n = top.take("roles")) parse_roles(ctx, *n);
    if (auto n = top.take("enums")) parse_enums(ctx, *n);
    if (auto n = top.take("domains")) parse_domains(ctx, *n);
    if (auto n = top.take("functions")) parse_functions(ctx, *n, RoutineKind::Function);
    if (auto n = top.take("procedures")) parse_functions(ctx, *n, RoutineKind::Procedure);
    if (auto n = top.take("sequences")) parse_sequences(ctx, *n);
    if (auto n = top.take("tables")) parse_tables(ctx, *n);
    if (auto n = top.take("views")) parse_views(ctx, *n);
    if (auto n = top.take("aggregates")) parse_aggregates(ctx, *n);
    if (auto n = top.take("jobs")) parse_jobs(ctx, *n);
    if (auto n = top.take("backfills")) parse_backfills(ctx, *n);
    if (auto n = top.take("sql")) parse_raw_sql(ctx, *n);
    top.ignore_extension_keys();
    top.finish();
}

void Parser::parse_settings(MapReader& top, ParseContext& ctx) {
    auto node = top.take("schema");
    if (!node) return;
    SourceLocation loc = top.key_loc("schema");
    if (settings_seen_) {
        auto& d = diags_.error(loc, "`schema` settings are given in more than one file; keep them in one");
        Diagnostics::add_note(d, settings_loc_, "first given here");
        return;
    }
    settings_seen_ = true;
    settings_loc_ = loc;
    MapReader settings(ctx, *node, "`schema` settings");
    if (auto name = settings.take_string("name")) {
        schema_.name_loc = settings.value_loc("name");
        if (check_identifier(ctx, *name, schema_.name_loc, "schema")) schema_.name = *name;
    }
    if (auto ns = settings.take_string("namespace");
        ns && check_identifier(ctx, *ns, settings.value_loc("namespace"), "namespace")) {
        if (ns->rfind("pg_", 0) == 0) {
            ctx.diags.error(settings.value_loc("namespace"),
                            "namespace `" + *ns +
                                "` starts with `pg_`, which PostgreSQL reserves for system schemas (\"unacceptable "
                                "schema name\"); choose a name without that prefix");
        } else {
            schema_.namespace_ = *ns;
            schema_.namespace_loc = settings.value_loc("namespace");
        }
    }
    if (auto version = settings.take_string("timescaledb")) read_timescaledb_version(ctx, settings, *version);
    if (auto grants = settings.take("grants"))
        schema_.namespace_grants = parse_grants(ctx, *grants, catalog::GrantTarget::Namespace, "the schema");
    if (auto comment = settings.take_string("comment")) {
        schema_.namespace_comment_loc = settings.value_loc("comment");
        if (schema_.namespace_ == "public")
            ctx.diags.error(schema_.namespace_comment_loc,
                            "`comment` in the `schema` settings is the comment on the schema's own namespace, and "
                            "this schema lives in `public`, which belongs to the database (its comment is "
                            "PostgreSQL's \"standard public schema\"); set `namespace:` or drop the comment");
        else
            schema_.namespace_comment = *comment;
    }
    settings.finish();
}

void Parser::parse_extensions(ParseContext& ctx, const YAML::Node& node) {
    for (auto& ref : read_name_list(ctx, node, "extension")) schema_.extensions.push_back({ref.name, ref.loc});
}

// `timescaledb: "2.28"`: the oldest TimescaleDB the schema's databases run,
// a release hyperschema's SQL supports (2.15 and later).
void Parser::read_timescaledb_version(ParseContext& ctx, MapReader& settings, const std::string& version) {
    const SourceLocation loc = settings.value_loc("timescaledb");
    static const std::regex release(R"(^[0-9]{1,3}\.[0-9]{1,3}(\.[0-9]{1,3})?$)");
    if (!std::regex_match(version, release)) {
        ctx.diags.error(loc, "`timescaledb` in the `schema` settings is `" + version +
                                 "`, not a TimescaleDB release; write the oldest release the schema's databases run, "
                                 "quoted, e.g. `timescaledb: \"2.28\"`");
        return;
    }
    if (!detail::version_at_least(version, kMinTimescaleVersion)) {
        ctx.diags.error(loc, std::string("`timescaledb: ") + version + "` is older than TimescaleDB " +
                                 kMinTimescaleVersion + ", the oldest release hyperschema's SQL is written for");
        return;
    }
    schema_.timescaledb = version;
    schema_.timescaledb_loc = loc;
}

void Parser::parse_enums(ParseContext& ctx, const YAML::Node& node) {
    MapReader enums(ctx, node, "`enums`");
    for (auto& entry : enums.entries()) {
        Enum e;
        e.name = entry.key;
        e.loc = entry.key_loc;
        if (check_identifier(ctx, e.name, e.loc, "enum")) {
            const auto builtin = known_type_names();
            if (std::find(builtin.begin(), builtin.end(), e.name) != builtin.end()) {
                ctx.diags.error(e.loc, "enum `" + e.name + "` has the name of the built-in type `" + e.name +
                                           "`: a column of type `" + e.name +
                                           "` would be the built-in type, never the enum; rename the enum");
            }
        }
        YAML::Node values = entry.value;
        if (entry.value.IsMap()) {
            MapReader spec(ctx, entry.value, "enum `" + e.name + "`");
            if (auto c = spec.take_string("comment")) e.comment = *c;
            // reset(), not =: assigning a yaml-cpp Node writes through to the document.
            values.reset(spec.take("values").value_or(YAML::Node()));
            spec.require("values", "the list of labels, e.g. `values: [admin, member]`");
            spec.finish();
        }
        if (values.IsSequence()) {
            for (const auto& v : values) {
                // Labels are data, not identifiers: any text up to 63 bytes.
                auto label = read_scalar(ctx, v, "a label of enum `" + e.name + "`");
                if (!label) continue;
                if (label->empty() || label->size() > 63) {
                    ctx.diags.error(location_of(ctx, v), "enum label `" + *label + "` must be 1 to 63 bytes long");
                    continue;
                }
                e.values.push_back({*label, location_of(ctx, v)});
            }
        } else if (values.IsDefined() && !values.IsNull()) {
            ctx.diags.error(
                location_of(ctx, values),
                "enum `" + e.name + "` must list its labels, e.g. `[admin, member]`, not " + node_kind(values));
        }
        schema_.enums.push_back(std::move(e));
    }
}

void Parser::parse_views(ParseContext& ctx, const YAML::Node& node) {
    MapReader views(ctx, node, "`views`");
    for (auto& entry : views.entries()) {
        View v;
        v.name = entry.key;
        v.loc = entry.key_loc;
        check_identifier(ctx, v.name, v.loc, "view");
        if (entry.value.IsScalar()) {
            v.sql = read_sql(ctx, entry.value, "view `" + v.name + "`").value_or("");
            v.sql_loc = location_of(ctx, entry.value);
        } else {
            MapReader spec(ctx, entry.value, "view `" + v.name + "`");
            if (auto sql = spec.take("sql")) {
                v.sql = read_sql(ctx, *sql, "`sql` of view `" + v.name + "`").value_or("");
                v.sql_loc = location_of(ctx, *sql);
            }
            v.depends_on = spec.take_names("depends_on");
            if (auto c = spec.take("columns")) {
                v.columns_loc = spec.key_loc("columns");
                parse_view_columns(ctx, v, *c);
            }
            if (auto c = spec.take_string("comment")) v.comment = *c;
            if (auto g = spec.take("grants"))
                v.grants = parse_grants(ctx, *g, catalog::GrantTarget::View, "view `" + v.name + "`");
            parse_materialized(ctx, v, spec);
            spec.require("sql", "the view's SELECT statement");
            spec.finish();
        }
        schema_.views.push_back(std::move(v));
    }
}

// `materialized: true` with its `with_data` and `indexes`, which only a
// materialized view has.
void Parser::parse_materialized(ParseContext& ctx, View& v, MapReader& spec) {
    v.materialized = spec.take_bool("materialized").value_or(false);
    auto with_data = spec.take_bool("with_data");
    auto indexes = spec.take("indexes");
    if (!v.materialized) {
        for (const char* key : {"with_data", "indexes"})
            if (spec.has(key))
                ctx.diags.error(spec.key_loc(key), "`" + std::string(key) + "` of view `" + v.name +
                                                       "` is for materialized views; add `materialized: true`");
        return;
    }
    v.with_data = with_data.value_or(true);
    if (!indexes) return;
    const Table stand_in = v.as_table();
    MapReader list(ctx, *indexes, "`indexes` of materialized view `" + v.name + "`");
    for (auto& entry : list.entries())
        v.indexes.push_back(parse_index(ctx, stand_in, entry.key, entry.key_loc, entry.value));
}

// `columns: {series_id: bigint, value: double precision?}`: what the SELECT
// yields, for the C++ row type. A view has no defaults or constraints, so a
// column's spec takes only type, nullable and comment.
void Parser::parse_view_columns(ParseContext& ctx, View& view, const YAML::Node& node) {
    const std::string what = "`columns` of view `" + view.name + "`";
    if (node.IsNull() || (node.IsMap() && node.size() == 0)) {
        ctx.diags.error(view.columns_loc, what +
                                              " is empty; list what the SELECT yields, e.g. "
                                              "`columns: {series_id: bigint, ts: timestamptz}`, or drop the key");
        return;
    }
    if (node.IsSequence()) {
        ctx.diags.error(location_of(ctx, node), what +
                                                    " must be a mapping of column names to types, not a list; "
                                                    "remove the `-` before each column, e.g. `columns: {id: bigint}`");
        return;
    }
    MapReader columns(ctx, node, what);
    for (auto& entry : columns.entries()) view.columns.push_back(parse_view_column(ctx, view, entry));
}

Column Parser::parse_view_column(ParseContext& ctx, const View& view, const MapReader::Entry& entry) {
    Column column;
    column.name = entry.key;
    column.loc = entry.key_loc;
    check_identifier(ctx, column.name, column.loc, "column");
    if (entry.value.IsScalar()) {
        read_scalar_column_type(ctx, column, entry.value);
        return column;
    }
    MapReader spec(ctx, entry.value, "column `" + view.name + "." + column.name + "`");
    if (!spec.valid()) return column;
    read_column_type(ctx, column, spec);
    if (auto c = spec.take_string("comment")) column.comment = *c;
    spec.finish();
    return column;
}

// `sql: {name: {up, down, when, depends_on, provides}}`: the escape hatch.
void Parser::parse_raw_sql(ParseContext& ctx, const YAML::Node& node) {
    MapReader objects(ctx, node, "`sql`");
    for (auto& entry : objects.entries()) {
        RawSql r;
        r.name = entry.key;
        r.loc = entry.key_loc;
        const std::string what = "`sql` object `" + r.name + "`";
        check_identifier(ctx, r.name, r.loc, "sql object");
        MapReader spec(ctx, entry.value, what);
        if (!spec.valid()) continue;
        if (auto up = spec.take("up")) {
            r.up_loc = location_of(ctx, *up);
            r.up = read_sql(ctx, *up, "`up` of " + what).value_or("") + ";";
        }
        spec.require("up", "the statements that create it");
        if (auto down = spec.take("down")) r.down = read_sql(ctx, *down, "`down` of " + what).value_or("") + ";";
        spec.require("down", "the statements that undo `up` (a migration down and a change run them)");
        if (auto when = spec.take_string("when")) {
            if (*when == "first")
                r.when = RawSql::When::First;
            else if (*when != "last")
                ctx.diags.error(spec.value_loc("when"),
                                "`when` of " + what +
                                    " is `first` (after extensions, enums and functions, before the tables) or "
                                    "`last` (after everything else, the default)");
        }
        r.depends_on = spec.take_names("depends_on");
        if (auto provides = spec.take("provides")) parse_raw_sql_provides(ctx, r, *provides);
        spec.finish();
        schema_.raw_sql.push_back(std::move(r));
    }
}

// `provides: {sequence: [order_seq], role: [reporting]}`
void Parser::parse_raw_sql_provides(ParseContext& ctx, RawSql& r, const YAML::Node& node) {
    MapReader kinds(ctx, node, "`provides` of `sql` object `" + r.name + "`");
    for (auto& entry : kinds.entries()) {
        auto kind = raw_sql_kind(entry.key);
        if (!kind) {
            ctx.diags.error(entry.key_loc, "unknown kind `" + entry.key +
                                               "` in `provides`; use table, view, materialized_view, sequence, "
                                               "index, function, procedure, type, schema or role");
            continue;
        }
        for (auto& ref : read_name_list(ctx, entry.value, "a " + entry.key + " that `" + r.name + "` creates"))
            r.provides.push_back({*kind, ref.name, ref.loc});
    }
}

}  // namespace hyperschema::parse
