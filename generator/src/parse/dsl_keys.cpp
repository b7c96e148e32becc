// The DSL's vocabulary as data (see dsl_keys.hpp): one table of every mapping
// the parser reads, each key with its forms, description and example. A new
// key of the parser is one row here; a new mapping is one Definition.
// Definitions are grouped by the parser file they mirror, in its order.

#include "parse/dsl_keys.hpp"

namespace hyperschema::parse::dsl {
namespace {

using S = Shape;

// The words `on_delete` and `on_update` take: Parser::parse_action's table
// (table_parser.cpp, kActions), which also reads `_` as a space.
const std::vector<std::string_view> kReferentialActions{"no action",   "restrict",  "cascade",  "set null",
                                                        "set default", "no_action", "set_null", "set_default"};

// Index and exclusion methods: take_method's table (index_parser.cpp, kMethods).
const std::vector<std::string_view> kIndexMethods{"btree", "hash", "gin", "gist", "brin"};

// The settings every TimescaleDB job takes (Parser::parse_job_settings,
// timescale_parser.cpp), read from the mapping of each policy and job.
std::vector<Key> job_settings(bool schedule_required) {
    return {
        {.name = "schedule",
         .forms = {{S::Interval}},
         .description = "How often the job runs (TimescaleDB's schedule_interval); where it is optional, unset "
                        "means TimescaleDB's default for the kind of policy.",
         .example = "1 hour",
         .required = schedule_required},
        {.name = "initial_start",
         .forms = {{S::String}},
         .description = "The instant of the first run, a timestamp with its zone: the job then runs on a fixed "
                        "schedule from it.",
         .example = "'2024-01-01 03:00:00+00'"},
        {.name = "fixed_schedule",
         .forms = {{S::Boolean}},
         .description = "Whether runs keep a fixed schedule (true, set by `initial_start`) or the next run counts "
                        "from the end of the last (false).",
         .example = "true"},
        {.name = "timezone",
         .forms = {{S::String}},
         .description = "The time zone that keeps a fixed schedule's wall-clock time across daylight saving "
                        "changes, such as Europe/Berlin or UTC.",
         .example = "Europe/Berlin"},
        {.name = "max_runtime",
         .forms = {{S::Interval}},
         .description = "How long one run may take before it is stopped; `0 seconds` for no limit.",
         .example = "30 minutes"},
        {.name = "max_retries",
         .forms = {{S::Integer}},
         .description = "How often a failed run is retried, from -1 (retry for ever) to 1000000.",
         .example = "5"},
        {.name = "retry_period",
         .forms = {{S::Interval}},
         .description = "How long to wait before retrying a failed run.",
         .example = "10 minutes"},
    };
}

std::vector<Key> with(std::vector<Key> keys, std::vector<Key> more) {
    for (auto& k : more) keys.push_back(std::move(k));
    return keys;
}

// CREATE SEQUENCE's options, which a standalone sequence and an identity
// column's own take (Parser::parse_sequence_options, sequence_parser.cpp).
std::vector<Key> sequence_options() {
    return {
        {.name = "start",
         .forms = {{S::Integer}},
         .description = "The first value; default the minimum (the maximum for a descending sequence).",
         .example = "1000"},
        {.name = "increment",
         .forms = {{S::Integer}},
         .description = "The step between values, negative for a descending sequence; default 1.",
         .example = "1"},
        {.name = "min",
         .forms = {{S::Integer}},
         .description = "The smallest value; default 1 (the type's minimum for a descending sequence).",
         .example = "1"},
        {.name = "max",
         .forms = {{S::Integer}},
         .description = "The largest value; default the type's maximum (-1 for a descending sequence).",
         .example = "999999"},
        {.name = "cache",
         .forms = {{S::Integer}},
         .description = "How many values each session takes at a time; default 1.",
         .example = "10"},
        {.name = "cycle",
         .forms = {{S::Boolean}},
         .description = "Whether the sequence wraps around at its end instead of failing; default false.",
         .example = "false"},
    };
}

// The `grants` key of each kind of object (Parser::parse_grants,
// grant_parser.cpp): role -> privileges of that kind.
Key grants_key(std::string_view privileges, std::string_view what, std::string_view example) {
    return {.name = "grants", .forms = {{S::MapOf, privileges}}, .description = what, .example = example};
}

// One privilege, or a list of them, of one kind of object (Parser::parse_grants).
std::vector<Definition> privilege_definitions() {
    struct Kind {
        std::string_view list, one, catalog, description;
    };
    const Kind kinds[] = {
        {"table_privileges", "table_privilege", "privilege.table", "Privileges on a table: one, a list, or `all`."},
        {"view_privileges", "view_privilege", "privilege.view", "Privileges on a view: one, a list, or `all`."},
        {"aggregate_privileges", "aggregate_privilege", "privilege.aggregate",
         "Privileges on a continuous aggregate (`select`): one, a list, or `all`."},
        {"sequence_privileges", "sequence_privilege", "privilege.sequence",
         "Privileges on a sequence (usage, select, update): one, a list, or `all`."},
        {"function_privileges", "function_privilege", "privilege.function",
         "Privileges on a function (`execute`): one, a list, or `all`."},
        {"procedure_privileges", "procedure_privilege", "privilege.procedure",
         "Privileges on a procedure (`execute`): one, a list, or `all`."},
        {"schema_privileges", "schema_privilege", "privilege.schema",
         "Privileges on the schema's namespace (usage, create): one, a list, or `all`."},
    };
    std::vector<Definition> out;
    for (const auto& k : kinds) {
        out.push_back({.id = k.list,
                       .description = k.description,
                       .keys = {},
                       .forms = {{S::Choice, k.catalog}, {S::ListOf, k.one}}});
        out.push_back(
            {.id = k.one, .description = "One privilege, or `all`.", .keys = {}, .forms = {{S::Choice, k.catalog}}});
    }
    return out;
}

std::vector<Definition> build() {
    std::vector<Definition> d;

    // ---- schema_parser.cpp: Parser::parse_file, the top level of a file.
    d.push_back({
        .id = "file",
        .description = "A YAML file of a hyperschema schema directory; every *.yaml file of the directory belongs "
                       "to the schema, and files may use each other's objects.",
        .keys =
            {
                {.name = "schema",
                 .forms = {{S::Ref, "settings"}},
                 .description = "The schema's settings (name, namespace, comment, grants), in at most one file of "
                                "the directory.",
                 .example = "{name: energy, namespace: energy}"},
                {.name = "extensions",
                 .forms = {{S::Names}},
                 .description = "Extensions to create; `timescaledb` is added when the schema uses it.",
                 .example = "[pgcrypto, btree_gist]"},
                {.name = "roles",
                 .forms = {{S::Names}},
                 .description = "Existing roles that grants name; hyperschema never creates them.",
                 .example = "[grafana_reader, ingest]"},
                {.name = "enums",
                 .forms = {{S::MapOf, "enum"}},
                 .description = "Enum types by name: a list of labels, or `{values, comment}`.",
                 .example = "{user_role: [admin, member, viewer]}"},
                {.name = "domains",
                 .forms = {{S::MapOf, "domain"}},
                 .description = "Domains by name: named types over a built-in type or an enum, with optional NOT "
                                "NULL, default and checks.",
                 .example = "{percentage: {type: \"numeric(5,2)\", check: VALUE BETWEEN 0 AND 100}}"},
                {.name = "functions",
                 .forms = {{S::MapOf, "function"}},
                 .description = "Functions by name (trigger functions included).",
                 .example = "{unix_now: {returns: bigint, language: sql, volatility: stable, body: SELECT "
                            "extract(epoch FROM now())::bigint}}"},
                {.name = "procedures",
                 .forms = {{S::MapOf, "procedure"}},
                 .description = "Procedures by name, e.g. for user-defined TimescaleDB jobs.",
                 .example = "{purge_audit: {args: [job_id: integer, config: jsonb], language: plpgsql, body: "
                            "BEGIN DELETE FROM audit_log; END}}"},
                {.name = "sequences",
                 .forms = {{S::MapOf, "sequence"}},
                 .description = "Standalone sequences by name.",
                 .example = "{report_no: {type: integer, start: 1000}}"},
                {.name = "tables",
                 .forms = {{S::MapOf, "table"}},
                 .description = "Tables by name, with their columns, keys, indexes, hypertable settings, triggers "
                                "and reference data.",
                 .example = "{devices: {columns: {device_id: bigint, name: text}, primary_key: [device_id]}}"},
                {.name = "views",
                 .forms = {{S::MapOf, "view"}},
                 .description = "Views by name: the SELECT alone, or a mapping with `sql` (and `materialized: "
                                "true` for a materialized view).",
                 .example = "{active_devices: SELECT * FROM devices WHERE active}"},
                {.name = "aggregates",
                 .forms = {{S::MapOf, "aggregate"}},
                 .description = "TimescaleDB continuous aggregates by name.",
                 .example = "{readings_hourly: {from: readings, bucket: 1 hour, columns: {avg_value: "
                            "avg(value)}}}"},
                {.name = "jobs",
                 .forms = {{S::MapOf, "job"}},
                 .description = "User-defined TimescaleDB jobs by name: a procedure the scheduler runs with a "
                                "config.",
                 .example = "{thin_forecasts: {procedure: thin_old_runs, schedule: 1 day}}"},
                {.name = "backfills",
                 .forms = {{S::MapOf, "backfill"}},
                 .description = "Data migrations by name: a batched, checkpointed INSERT ... SELECT from one table "
                                "into another.",
                 .example = "{readings_to_points: {source: readings, key: time, batch: 1 day, target: points, "
                            "columns: [time, value], select: 'SELECT time, value FROM readings WHERE time >= "
                            ":batch_start AND time < :batch_end'}}"},
                {.name = "sql",
                 .forms = {{S::MapOf, "raw_sql"}},
                 .description = "Raw SQL objects by name, the escape hatch for what the DSL does not model: "
                                "statements to create them and to undo them.",
                 .example = "{report_numbers: {up: CREATE SEQUENCE report_no, down: DROP SEQUENCE report_no}}"},
            },
        .forms = {},
        .extension_keys = true,
    });

    // ---- schema_parser.cpp: Parser::parse_settings, `schema:`.
    d.push_back({
        .id = "settings",
        .description = "The schema's settings, given in at most one file.",
        .keys =
            {
                {.name = "name",
                 .forms = {{S::Identifier}},
                 .description = "The schema's name (its generated directory, C++ namespace and history key); "
                                "default the directory's name.",
                 .example = "energy"},
                {.name = "namespace",
                 .forms = {{S::Identifier}},
                 .description = "The PostgreSQL schema the objects live in, not starting with `pg_`; default "
                                "`public`.",
                 .example = "energy"},
                {.name = "timescaledb",
                 .forms = {{S::String}},
                 .description = "The oldest TimescaleDB release the schema's databases run (2.15 or later), quoted; "
                                "migrations may then use what it has (2.28: new aggregate columns added in place, "
                                "without a rebuild), and verify reports an older server as incompatible. Default: "
                                "the oldest release the schema's features need.",
                 .example = "'2.28'"},
                grants_key("schema_privileges", "Privileges on the namespace by role (`usage`, `create`, or `all`).",
                           "{grafana_reader: [usage]}"),
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the schema's own namespace (COMMENT ON SCHEMA); not allowed when "
                                "the namespace is `public`.",
                 .example = "Energy metering"},
            },
        .forms = {},
    });

    // ---- schema_parser.cpp: Parser::parse_enums, `enums:`.
    d.push_back({
        .id = "enum",
        .description = "An enum: its labels in order, or a mapping with `values` and `comment`.",
        .keys = {},
        .forms = {{S::ListOf, "enum_label"}, {S::Ref, "enum_spec"}},
    });
    d.push_back({
        .id = "enum_spec",
        .description = "An enum with its labels and a comment.",
        .keys =
            {
                {.name = "values",
                 .forms = {{S::ListOf, "enum_label"}},
                 .description = "The enum's labels, in order.",
                 .example = "[admin, member, viewer]",
                 .required = true},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the type (COMMENT ON TYPE).",
                 .example = "Access level"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "enum_label",
        .description = "An enum label: any text of 1 to 63 bytes.",
        .keys = {},
        .forms = {{S::String}, {S::Number}, {S::Boolean}},
    });

    // ---- schema_parser.cpp: Parser::parse_views, parse_materialized, parse_view_columns.
    d.push_back({
        .id = "view",
        .description = "A view: its SELECT statement, or a mapping with `sql` and the view's other settings.",
        .keys = {},
        .forms = {{S::Sql}, {S::Ref, "view_spec"}},
    });
    d.push_back({
        .id = "view_spec",
        .description = "A view or materialized view.",
        .keys =
            {
                {.name = "sql",
                 .forms = {{S::Sql}},
                 .description = "The view's SELECT statement.",
                 .example = "SELECT site, count(*) AS devices FROM devices GROUP BY site",
                 .required = true},
                {.name = "depends_on",
                 .forms = {{S::Names}},
                 .description = "Relations the view reads that the compiler cannot see in the SQL; default none.",
                 .example = "[devices]"},
                {.name = "columns",
                 .forms = {{S::MapOf, "view_column"}},
                 .description = "What the SELECT yields, name to type (`?` for nullable), for the C++ row type; "
                                "without it the view gets no row type.",
                 .example = "{site: text, devices: bigint}"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the view (COMMENT ON VIEW).",
                 .example = "Devices per site"},
                grants_key("view_privileges", "Privileges on the view by role (select, insert, ..., or `all`).",
                           "{grafana_reader: [select]}"),
                {.name = "materialized",
                 .forms = {{S::Boolean}},
                 .description = "Whether this is a plain materialized view (CREATE MATERIALIZED VIEW); default "
                                "false.",
                 .example = "true"},
                {.name = "with_data",
                 .forms = {{S::Boolean}},
                 .description = "For a materialized view: whether it is filled when created (false: empty until "
                                "the first refresh); default true.",
                 .example = "false"},
                {.name = "indexes",
                 .forms = {{S::MapOf, "index"}},
                 .description = "For a materialized view: its indexes by name, as a table's (not "
                                "`concurrently`).",
                 .example = "{devices_per_site_site: {columns: [site], unique: true}}"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "view_column",
        .description = "A view column: its type (a trailing `?` for nullable), or `{type, nullable, comment}`.",
        .keys = {},
        .forms = {{S::ColumnType}, {S::Ref, "view_column_spec"}},
    });
    d.push_back({
        .id = "view_column_spec",
        .description = "A view column with its type, nullability and comment.",
        .keys =
            {
                {.name = "type",
                 .forms = {{S::ColumnType}},
                 .description = "The column's type.",
                 .example = "bigint",
                 .required = true},
                {.name = "nullable",
                 .forms = {{S::Boolean}},
                 .description = "Whether the column may be NULL (the same as a trailing `?`); default false.",
                 .example = "true"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the view's column (COMMENT ON COLUMN).",
                 .example = "Devices at the site"},
            },
        .forms = {},
    });

    // ---- schema_parser.cpp: Parser::parse_raw_sql, parse_raw_sql_provides, `sql:`.
    d.push_back({
        .id = "raw_sql",
        .description = "A raw SQL object: the statements that create it and those that undo them.",
        .keys =
            {
                {.name = "up",
                 .forms = {{S::Sql}},
                 .description = "The statements that create the object.",
                 .example = "CREATE SEQUENCE report_no START 1000",
                 .required = true},
                {.name = "down",
                 .forms = {{S::Sql}},
                 .description = "The statements that undo `up`, run when the object goes away and before a changed "
                                "`up` runs again.",
                 .example = "DROP SEQUENCE report_no",
                 .required = true},
                {.name = "when",
                 .forms = {{S::Choice, {}, {"first", "last"}}},
                 .description = "When it runs: `first` (after extensions, enums and functions, before the tables) "
                                "or `last` (after everything else, the default).",
                 .example = "first"},
                {.name = "depends_on",
                 .forms = {{S::Names}},
                 .description = "The schema's objects it reads, so that it is run again when they are created "
                                "again; default none.",
                 .example = "[readings]"},
                {.name = "provides",
                 .forms = {{S::MapOf, "provided_names"}},
                 .description = "What it creates, kind to names (kinds: table, view, materialized_view, sequence, "
                                "index, function, procedure, type, schema, role), which verify checks exists and "
                                "does not report as unexpected.",
                 .example = "{sequence: [report_no]}"},
            },
        .forms = {},
    });
    // parse_raw_sql_provides reads `provides` with entries(): kind -> names,
    // the kinds being those of model/schema.cpp's kRawSqlKinds (raw_sql_kind).
    d.push_back({
        .id = "provided_names",
        .description = "The objects of one kind that a raw SQL object creates: one name or a list.",
        .keys = {},
        .forms = {{S::Names}},
    });

    // ---- grant_parser.cpp: Parser::parse_grants.
    for (auto& p : privilege_definitions()) d.push_back(std::move(p));

    // ---- domain_parser.cpp: Parser::parse_domains, `domains:`.
    d.push_back({
        .id = "domain",
        .description = "A domain: its base type alone, or a mapping with `type` and its constraints.",
        .keys = {},
        .forms = {{S::ColumnType}, {S::Ref, "domain_spec"}},
    });
    d.push_back({
        .id = "domain_spec",
        .description = "A domain over a built-in type or an enum, with its constraints.",
        .keys =
            {
                {.name = "type",
                 .forms = {{S::ColumnType}},
                 .description = "The base type: a built-in type or an enum of the schema, not an array or another "
                                "domain.",
                 .example = "varchar(32)",
                 .required = true},
                {.name = "not_null",
                 .forms = {{S::Boolean}},
                 .description = "Whether the domain refuses NULL (a column of it then needs no NOT NULL of its "
                                "own); default false.",
                 .example = "true"},
                {.name = "default_sql",
                 .forms = {{S::Sql}},
                 .description = "The domain's default, an SQL expression; default none.",
                 .example = "\"'l1'\""},
                {.name = "check",
                 .forms = {{S::Sql}},
                 .description = "One check on `VALUE`, named `<domain>_check`.",
                 .example = "VALUE BETWEEN 0 AND 100"},
                {.name = "checks",
                 .forms = {{S::MapOf, "domain_check"}},
                 .description = "Named checks on `VALUE`, constraint name to condition.",
                 .example = "{meter_id_format: \"VALUE ~ '^[A-Z0-9-]+$'\"}"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the domain (COMMENT ON DOMAIN).",
                 .example = "A share in percent"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "domain_check",
        .description = "A domain check: a condition on `VALUE`.",
        .keys = {},
        .forms = {{S::Sql}},
    });

    // ---- sequence_parser.cpp: Parser::parse_sequences, `sequences:`.
    d.push_back({
        .id = "sequence",
        .description = "A standalone sequence with its options.",
        .keys = with(
            {
                {.name = "type",
                 .forms = {{S::ColumnType}},
                 .description = "The sequence's type: smallint, integer or bigint; default bigint.",
                 .example = "integer"},
            },
            with(sequence_options(),
                 {
                     {.name = "owned_by",
                      .forms = {{S::String}},
                      .description = "The column that owns the sequence, as `table.column`: dropping the column "
                                     "drops the sequence; default none.",
                      .example = "coverage_reports.report_no"},
                     {.name = "comment",
                      .forms = {{S::String}},
                      .description = "The comment on the sequence (COMMENT ON SEQUENCE).",
                      .example = "Numbers of the daily reports"},
                     grants_key("sequence_privileges",
                                "Privileges on the sequence by role (usage, select, update, or `all`).",
                                "{ingest: [usage]}"),
                 })),
        .forms = {},
    });
    // sequence_parser.cpp: Parser::parse_identity, a column's `identity:`.
    d.push_back({
        .id = "identity_spec",
        .description = "An identity column's kind and the options of its own sequence.",
        .keys = with(
            {
                {.name = "generated",
                 .forms = {{S::Choice, {}, {"always", "by_default"}}},
                 .description = "`always` (GENERATED ALWAYS: the database numbers every row, the default) or "
                                "`by_default` (GENERATED BY DEFAULT: a row may bring its own).",
                 .example = "by_default"},
            },
            sequence_options()),
        .forms = {},
    });

    // ---- function_parser.cpp: Parser::parse_functions, parse_function_args, `functions:`, `procedures:`.
    const Key routine_args{.name = "args",
                           .forms = {{S::ListOf, "function_arg"}},
                           .description =
                               "The arguments in order: `name: type`, a type alone, or `{name, type, mode, default}`; "
                               "default none.",
                           .example = "[job_id: integer, config: jsonb]"};
    const Key routine_language{
        .name = "language",
        .forms = {{S::String}},
        .description =
            "The language of the body: `sql`, `plpgsql`, or the language of an extension listed under "
            "`extensions`.",
        .example = "plpgsql",
        .required = true};
    const Key routine_body{
        .name = "body",
        .forms = {{S::Sql}},
        .description = "The source, as between the dollar quotes of CREATE FUNCTION; kept as written.",
        .example = "SELECT x * 2",
        .required = true};
    const Key routine_security_definer{
        .name = "security_definer",
        .forms = {{S::Boolean}},
        .description = "Whether it runs with the privileges of its owner (SECURITY DEFINER); default false.",
        .example = "true"};
    const Key routine_set{
        .name = "set",
        .forms = {{S::MapOf, "setting_value"}},
        .description =
            "Configuration settings while it runs (SET name = value), one literal each, `search_path` "
            "a list of names.",
        .example = "{search_path: \"public, pg_temp\"}"};
    d.push_back({
        .id = "function",
        .description = "A function: its arguments, result, language and body.",
        .keys =
            {
                routine_args,
                {.name = "returns",
                 .forms = {{S::ColumnType}},
                 .description = "The result type: a column type, a pseudo-type (trigger, void, record, "
                                "anyelement, ...) or `setof <type>`.",
                 .example = "bigint",
                 .required = true},
                routine_language,
                routine_body,
                {.name = "volatility",
                 .forms = {{S::Choice, {}, {"volatile", "stable", "immutable"}}},
                 .description = "What the function promises about its result: volatile (the default), stable or "
                                "immutable.",
                 .example = "immutable"},
                {.name = "strict",
                 .forms = {{S::Boolean}},
                 .description = "Whether a NULL argument makes the result NULL without a call (STRICT); default "
                                "false.",
                 .example = "true"},
                routine_security_definer,
                routine_set,
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the function (COMMENT ON FUNCTION).",
                 .example = "Keeps updated_at current"},
                grants_key("function_privileges", "Privileges on the function by role (`execute` or `all`).",
                           "{ingest: [execute]}"),
            },
        .forms = {},
    });
    d.push_back({
        .id = "procedure",
        .description = "A procedure: its arguments, language and body (no result).",
        .keys =
            {
                routine_args,
                routine_language,
                routine_body,
                {.name = "volatility",
                 .forms = {{S::Choice, {}, {"volatile", "stable", "immutable"}}},
                 .description = "Not for procedures: a procedure has no volatility, and the compiler refuses the "
                                "key.",
                 .example = "volatile"},
                {.name = "strict",
                 .forms = {{S::Boolean}},
                 .description = "Not for procedures: a procedure cannot be STRICT, and the compiler refuses the "
                                "key.",
                 .example = "false"},
                routine_security_definer,
                routine_set,
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the procedure (COMMENT ON PROCEDURE).",
                 .example = "Deletes old audit rows"},
                grants_key("procedure_privileges", "Privileges on the procedure by role (`execute` or `all`).",
                           "{ingest: [execute]}"),
            },
        .forms = {},
    });
    d.push_back({
        .id = "setting_value",
        .description = "The value of a configuration setting, one literal.",
        .keys = {},
        .forms = {{S::String}, {S::Number}, {S::Boolean}},
    });
    d.push_back({
        .id = "function_arg",
        .description = "An argument: `name: type`, a type alone (unnamed), or `{name, type, mode, default}`.",
        .keys = {},
        .forms = {{S::ColumnType}, {S::Ref, "function_arg_spec"}, {S::MapOf, "argument_type"}},
    });
    d.push_back({
        .id = "argument_type",
        .description = "An argument's type: a column type or a pseudo-type such as anyelement.",
        .keys = {},
        .forms = {{S::ColumnType}},
    });
    d.push_back({
        .id = "function_arg_spec",
        .description = "An argument with its name, type, mode and default.",
        .keys =
            {
                {.name = "name",
                 .forms = {{S::Identifier}},
                 .description = "The argument's name; default none (an unnamed argument).",
                 .example = "scale"},
                {.name = "type",
                 .forms = {{S::ColumnType}},
                 .description = "The argument's type: a column type or a pseudo-type such as anyelement.",
                 .example = "numeric",
                 .required = true},
                {.name = "mode",
                 .forms = {{S::Choice, {}, {"in", "out", "inout", "variadic"}}},
                 .description = "in (the default), out, inout or variadic.",
                 .example = "out"},
                {.name = "default",
                 .forms = {{S::Sql}},
                 .description = "The default value, an SQL expression; default none (the argument must be "
                                "passed).",
                 .example = "'1'"},
            },
        .forms = {},
    });

    // ---- table_parser.cpp: Parser::parse_table, `tables:`.
    d.push_back({
        .id = "table",
        .description = "A table: its columns and constraints, indexes, hypertable settings, triggers, grants and "
                       "reference data.",
        .keys =
            {
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the table (COMMENT ON TABLE).",
                 .example = "Device registry"},
                grants_key("table_privileges",
                           "Privileges on the table by role (select, insert, update, delete, truncate, references, "
                           "trigger, or `all`).",
                           "{grafana_reader: [select], ingest: [select, insert]}"),
                {.name = "unlogged",
                 .forms = {{S::Boolean}},
                 .description = "Whether the table is UNLOGGED (faster, not crash-safe); default false.",
                 .example = "true"},
                {.name = "storage",
                 .forms = {{S::MapOf, "storage_value"}},
                 .description = "Storage parameters (CREATE TABLE ... WITH), parameter to value; default none.",
                 .example = "{fillfactor: 70, autovacuum_vacuum_scale_factor: 0.02}"},
                {.name = "renamed_from",
                 .forms = {{S::Identifier}},
                 .description = "The table's previous name: the next migration renames it in place instead of "
                                "dropping it.",
                 .example = "device_registry"},
                {.name = "columns",
                 .forms = {{S::MapOf, "column"}},
                 .description = "The columns in order, name to type (NOT NULL unless the type ends in `?`) or to "
                                "a mapping with `type`.",
                 .example = "{id: bigint, name: text, note: \"text?\"}",
                 .required = true},
                {.name = "primary_key",
                 .forms = {{S::Names}, {S::Ref, "primary_key_spec"}},
                 .description = "The primary key's columns, or `{name, columns, include, comment}`; default "
                                "named `<table>_pkey`.",
                 .example = "[device_id, time]"},
                {.name = "unique",
                 .forms = {{S::ListOf, "unique_item"}},
                 .description = "Unique constraints, each a list of columns (`[[a, b]]` is one over both) or a "
                                "mapping with `columns`.",
                 .example = "[[ba_id, type]]"},
                {.name = "foreign_keys",
                 .forms = {{S::ListOf, "foreign_key"}},
                 .description = "Foreign keys, each with its columns and the table it references.",
                 .example = "[{columns: [device_id], references: devices, on_delete: cascade}]"},
                {.name = "checks",
                 .forms = {{S::MapOf, "check"}},
                 .description = "Check constraints, constraint name to condition (or `{sql, comment}`).",
                 .example = "{readings_value_positive: value >= 0}"},
                {.name = "exclusions",
                 .forms = {{S::MapOf, "exclusion"}},
                 .description = "Exclusion constraints (EXCLUDE USING ...) by name.",
                 .example = "{bookings_no_overlap: {elements: [{column: room_id, with: \"=\"}, {expression: "
                            "\"tstzrange(starts, ends)\", with: \"&&\"}]}}"},
                {.name = "indexes",
                 .forms = {{S::MapOf, "index"}},
                 .description = "Indexes by name: the list of keys, or a mapping with `columns`.",
                 .example = "{idx_metrics_device_time: [device_id, time desc]}"},
                {.name = "hypertable",
                 .forms = {{S::Ref, "hypertable"}},
                 .description = "Makes the table a TimescaleDB hypertable, with its partitioning, compression, "
                                "retention and reorder policies.",
                 .example = "{time_column: time, chunk_interval: 1 day}"},
                {.name = "triggers",
                 .forms = {{S::MapOf, "trigger"}},
                 .description = "Triggers by name.",
                 .example = "{monitors_touch: {before: [update], function: set_updated_at}}"},
                {.name = "data",
                 .forms = {{S::ListOf, "data_row"}, {S::Ref, "data_spec"}},
                 .description = "Reference rows the table must hold, kept by the migrations: a list of rows, or "
                                "`{key, rows}`.",
                 .example = "[{code: PJM, name: PJM Interconnection}]"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "storage_value",
        .description = "A storage parameter's value, kept as written.",
        .keys = {},
        .forms = {{S::Number}, {S::Boolean}, {S::String}},
    });

    // ---- table_parser.cpp: Parser::parse_column, parse_column_spec, parse_column_references.
    d.push_back({
        .id = "column",
        .description = "A column: its type (NOT NULL unless it ends in `?`), or a mapping with `type` and the "
                       "column's settings.",
        .keys = {},
        .forms = {{S::ColumnType}, {S::Ref, "column_spec"}},
    });
    d.push_back({
        .id = "column_spec",
        .description = "A column with its type, default, constraints and comment.",
        .keys =
            {
                {.name = "type",
                 .forms = {{S::ColumnType}},
                 .description = "The column's type (a trailing `?` makes it nullable); serial, bigserial and "
                                "smallserial give it a sequence of its own.",
                 .example = "timestamptz",
                 .required = true},
                {.name = "nullable",
                 .forms = {{S::Boolean}},
                 .description = "Whether the column may be NULL (the same as a trailing `?`); default false (NOT "
                                "NULL).",
                 .example = "true"},
                {.name = "default",
                 .forms = {{S::String}, {S::Number}, {S::Boolean}},
                 .description = "A literal default, data checked against the type (quote JSON and arrays); for "
                                "an SQL expression use `default_sql`.",
                 .example = "'{}'"},
                {.name = "default_sql",
                 .forms = {{S::Sql}},
                 .description = "The default as an SQL expression, such as now() or gen_random_uuid(); not "
                                "together with `default`.",
                 .example = "now()"},
                {.name = "identity",
                 .forms = {{S::Choice, {}, {"always", "by_default"}}, {S::Ref, "identity_spec"}},
                 .description = "Makes the column an identity column: `always`, `by_default`, or `{generated, "
                                "start, increment, ...}`.",
                 .example = "always"},
                {.name = "collate",
                 .forms = {{S::String}},
                 .description = "The column's collation (COLLATE), for text types; default the type's.",
                 .example = "C"},
                {.name = "generated",
                 .forms = {{S::Sql}},
                 .description = "Makes the column generated from this immutable SQL expression (GENERATED "
                                "ALWAYS AS (...) STORED).",
                 .example = "altitude_ft * 0.3048"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the column (COMMENT ON COLUMN).",
                 .example = "Access level"},
                {.name = "renamed_from",
                 .forms = {{S::Identifier}},
                 .description = "The column's previous name: the next migration renames it in place instead of "
                                "dropping it.",
                 .example = "device_name"},
                {.name = "primary_key",
                 .forms = {{S::Boolean}},
                 .description = "Whether the column is (part of) the table's primary key; default false.",
                 .example = "true"},
                {.name = "unique",
                 .forms = {{S::Boolean}},
                 .description = "Whether the column has a unique constraint of its own; default false.",
                 .example = "true"},
                {.name = "on_delete",
                 .forms = {{S::Choice, {}, kReferentialActions}},
                 .description = "With `references`: what deleting the referenced row does; default no action.",
                 .example = "cascade"},
                {.name = "on_update",
                 .forms = {{S::Choice, {}, kReferentialActions}},
                 .description = "With `references`: what updating the referenced key does; default no action.",
                 .example = "cascade"},
                {.name = "references",
                 .forms = {{S::String}},
                 .description = "A foreign key on this column: `table` (its primary key) or `table.column`.",
                 .example = "devices.device_id"},
            },
        .forms = {},
    });

    // ---- table_parser.cpp: Parser::parse_table's `primary_key` mapping.
    d.push_back({
        .id = "primary_key_spec",
        .description = "A primary key with its name, columns and included columns.",
        .keys =
            {
                {.name = "columns",
                 .forms = {{S::Names}},
                 .description = "The key's columns.",
                 .example = "[device_id, time]",
                 .required = true},
                {.name = "name",
                 .forms = {{S::Identifier}},
                 .description = "The constraint's name; default `<table>_pkey`.",
                 .example = "readings_pk"},
                {.name = "include",
                 .forms = {{S::Names}},
                 .description = "Columns stored in the key's index without being part of the key (INCLUDE).",
                 .example = "[value]"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the constraint (COMMENT ON CONSTRAINT).",
                 .example = "One reading per device and time"},
            },
        .forms = {},
    });

    // ---- table_parser.cpp: Parser::parse_unique.
    d.push_back({
        .id = "unique_item",
        .description = "A unique constraint: its columns (one name or a list), or a mapping with `columns`.",
        .keys = {},
        .forms = {{S::Names}, {S::Ref, "unique_spec"}},
    });
    d.push_back({
        .id = "unique_spec",
        .description = "A unique constraint with its name and settings.",
        .keys =
            {
                {.name = "columns",
                 .forms = {{S::Names}},
                 .description = "The columns that are unique together.",
                 .example = "[email]",
                 .required = true},
                {.name = "name",
                 .forms = {{S::Identifier}},
                 .description = "The constraint's name; default `<table>_<columns>_key`.",
                 .example = "users_email_key"},
                {.name = "include",
                 .forms = {{S::Names}},
                 .description = "Columns stored in the constraint's index without being part of the key "
                                "(INCLUDE).",
                 .example = "[name]"},
                {.name = "nulls_not_distinct",
                 .forms = {{S::Boolean}},
                 .description = "Whether NULLs count as equal, allowing one NULL at most (PostgreSQL 15+); "
                                "default false.",
                 .example = "true"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the constraint (COMMENT ON CONSTRAINT).",
                 .example = "One account per email"},
            },
        .forms = {},
    });

    // ---- table_parser.cpp: Parser::parse_foreign_keys.
    d.push_back({
        .id = "foreign_key",
        .description = "A foreign key from columns of this table to a key of another.",
        .keys =
            {
                {.name = "columns",
                 .forms = {{S::Names}},
                 .description = "The referencing columns of this table.",
                 .example = "[device_id]",
                 .required = true},
                {.name = "references",
                 .forms = {{S::Identifier}, {S::Ref, "foreign_key_target"}},
                 .description = "The referenced table (its primary key), or `{table, columns}`.",
                 .example = "devices",
                 .required = true},
                {.name = "on_delete",
                 .forms = {{S::Choice, {}, kReferentialActions}},
                 .description = "What deleting a referenced row does; default no action.",
                 .example = "cascade"},
                {.name = "on_update",
                 .forms = {{S::Choice, {}, kReferentialActions}},
                 .description = "What updating a referenced key does; default no action.",
                 .example = "cascade"},
                {.name = "name",
                 .forms = {{S::Identifier}},
                 .description = "The constraint's name; default `<table>_<columns>_fkey`.",
                 .example = "fk_alerts_creator"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the constraint (COMMENT ON CONSTRAINT).",
                 .example = "Who raised the alert"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "foreign_key_target",
        .description = "The referenced table and columns of a foreign key.",
        .keys =
            {
                {.name = "table",
                 .forms = {{S::Identifier}},
                 .description = "The referenced table.",
                 .example = "users",
                 .required = true},
                {.name = "columns",
                 .forms = {{S::Names}},
                 .description = "The referenced columns; default the table's primary key.",
                 .example = "[user_id]"},
            },
        .forms = {},
    });

    // ---- table_parser.cpp: Parser::parse_checks.
    d.push_back({
        .id = "check",
        .description = "A check constraint: its condition, or `{sql, comment}`.",
        .keys = {},
        .forms = {{S::Sql}, {S::Ref, "check_spec"}},
    });
    d.push_back({
        .id = "check_spec",
        .description = "A check constraint with a comment.",
        .keys =
            {
                {.name = "sql",
                 .forms = {{S::Sql}},
                 .description = "The condition every row must meet.",
                 .example = "age BETWEEN 0 AND 150",
                 .required = true},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the constraint (COMMENT ON CONSTRAINT).",
                 .example = "Years"},
            },
        .forms = {},
    });

    // ---- index_parser.cpp: Parser::parse_exclusions, parse_exclusion_element.
    d.push_back({
        .id = "exclusion",
        .description = "An exclusion constraint: no two rows may satisfy all of its elements' operators.",
        .keys =
            {
                {.name = "using",
                 .forms = {{S::Choice, {}, kIndexMethods}},
                 .description = "The index method that enforces it; default gist (btree and hash for `=` "
                                "alone).",
                 .example = "gist"},
                {.name = "elements",
                 .forms = {{S::ListOf, "exclusion_element"}},
                 .description = "The compared columns or expressions with their operators, at least one.",
                 .example = "[{column: room_id, with: \"=\"}, {expression: \"tstzrange(starts, ends)\", with: "
                            "\"&&\"}]",
                 .required = true},
                {.name = "include",
                 .forms = {{S::Names}},
                 .description = "Columns stored in the constraint's index without being compared (INCLUDE).",
                 .example = "[note]"},
                {.name = "where",
                 .forms = {{S::Sql}},
                 .description = "A condition: only rows meeting it are compared.",
                 .example = "NOT cancelled"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the constraint (COMMENT ON CONSTRAINT).",
                 .example = "A room is booked once at a time"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "exclusion_element",
        .description = "An element of an exclusion constraint: exactly one of `column` or `expression`, and the "
                       "operator `with`.",
        .keys =
            {
                {.name = "column",
                 .forms = {{S::Identifier}},
                 .description = "The compared column (or give `expression`).",
                 .example = "room_id"},
                {.name = "expression",
                 .forms = {{S::Sql}},
                 .description = "The compared SQL expression (or give `column`).",
                 .example = "tstzrange(starts, ends)"},
                {.name = "with",
                 .forms = {{S::String}},
                 .description = "The operator two rows must not both satisfy, such as `=` or `&&`.",
                 .example = "\"&&\"",
                 .required = true},
            },
        .forms = {},
    });

    // ---- index_parser.cpp: Parser::parse_index, parse_key_part.
    d.push_back({
        .id = "index",
        .description = "An index: the list of its keys, or a mapping with `columns` and the index's settings.",
        .keys = {},
        .forms = {{S::ListOf, "index_key"}, {S::Ref, "index_spec"}},
    });
    d.push_back({
        .id = "index_spec",
        .description = "An index with its keys and settings.",
        .keys =
            {
                {.name = "columns",
                 .forms = {{S::ListOf, "index_key"}},
                 .description = "The indexed columns or expressions, at least one: `column [asc|desc] [nulls "
                                "first|last]` or a mapping.",
                 .example = "[device_id, time desc]",
                 .required = true},
                {.name = "using",
                 .forms = {{S::Choice, {}, kIndexMethods}},
                 .description = "The index method; default btree.",
                 .example = "gin"},
                {.name = "unique",
                 .forms = {{S::Boolean}},
                 .description = "Whether the index is UNIQUE; default false.",
                 .example = "true"},
                {.name = "concurrently",
                 .forms = {{S::Boolean}},
                 .description = "Whether the index is built CONCURRENTLY, outside the migration's transaction; "
                                "default false.",
                 .example = "true"},
                {.name = "include",
                 .forms = {{S::Names}},
                 .description = "Columns stored in the index without being keys (INCLUDE).",
                 .example = "[email]"},
                {.name = "where",
                 .forms = {{S::Sql}},
                 .description = "A condition that makes it a partial index of the rows meeting it.",
                 .example = "is_active = true"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the index (COMMENT ON INDEX).",
                 .example = "Latest readings per device"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "index_key",
        .description = "A key: `column [asc|desc] [nulls first|last]`, or a mapping with `column` or "
                       "`expression`.",
        .keys = {},
        .forms = {{S::String}, {S::Ref, "index_key_spec"}},
    });
    d.push_back({
        .id = "index_key_spec",
        .description = "A key with exactly one of `column` or `expression`, and its order.",
        .keys =
            {
                {.name = "column",
                 .forms = {{S::Identifier}},
                 .description = "The key's column (or give `expression`).",
                 .example = "created_at"},
                {.name = "expression",
                 .forms = {{S::Sql}},
                 .description = "The key's SQL expression (or give `column`); not in compression `order_by`.",
                 .example = "lower(name)"},
                {.name = "order",
                 .forms = {{S::Choice, {}, {"asc", "desc"}}},
                 .description = "The sort order; default asc.",
                 .example = "desc"},
                {.name = "nulls",
                 .forms = {{S::Choice, {}, {"first", "last"}}},
                 .description = "Where NULLs sort; default last for asc, first for desc.",
                 .example = "last"},
            },
        .forms = {},
    });

    // ---- timescale_parser.cpp: Parser::parse_hypertable, parse_dimension.
    const std::vector<Form> retention_forms{{S::TimeAmount}, {S::Ref, "retention_policy"}};
    d.push_back({
        .id = "hypertable",
        .description = "TimescaleDB hypertable settings: the time column, chunking, more dimensions and the "
                       "policies.",
        .keys =
            {
                {.name = "time_column",
                 .forms = {{S::Identifier}},
                 .description = "The column TimescaleDB partitions by: a timestamp, date or integer column.",
                 .example = "time",
                 .required = true},
                {.name = "chunk_interval",
                 .forms = {{S::TimeAmount}},
                 .description = "How much time one chunk holds (a number on integer time); default "
                                "TimescaleDB's (7 days, or 1000000 on integer time).",
                 .example = "1 day"},
                {.name = "partition",
                 .forms = {{S::Ref, "partition"}},
                 .description = "One hash space dimension: the same as a `dimensions` list of one hash "
                                "dimension.",
                 .example = "{column: device_id, partitions: 4}"},
                {.name = "dimensions",
                 .forms = {{S::ListOf, "dimension"}},
                 .description = "More dimensions than the time column, in order: hash partitions or ranges of "
                                "another column; not together with `partition`.",
                 .example = "[{column: issued_at, interval: 7 days}, {column: station_id, partitions: 4}]"},
                {.name = "integer_now",
                 .forms = {{S::Identifier}},
                 .description = "For an integer time column: the schema's function giving the current time in "
                                "its units (set_integer_now_func).",
                 .example = "unix_now"},
                {.name = "create_default_indexes",
                 .forms = {{S::Boolean}},
                 .description = "Whether TimescaleDB creates its default (time DESC) index; default true.",
                 .example = "false"},
                {.name = "chunk_skipping",
                 .forms = {{S::Names}},
                 .description = "Columns whose min and max TimescaleDB keeps per chunk, so queries filtering on "
                                "them skip chunks (enable_chunk_skipping).",
                 .example = "[aircraft_id]"},
                {.name = "compression",
                 .forms = {{S::Ref, "compression"}},
                 .description = "Compression settings, and the compression policy when `after` is given.",
                 .example = "{segment_by: [device_id], order_by: [time desc], after: 7 days}"},
                {.name = "retention",
                 .forms = retention_forms,
                 .description = "The retention policy: how old data must be before its chunks are dropped, or "
                                "`{drop_after, ...job settings}`.",
                 .example = "90 days"},
                {.name = "reorder",
                 .forms = {{S::Identifier}, {S::Ref, "reorder_policy"}},
                 .description = "The reorder policy: the index chunks are reordered by, or `{index, ...job "
                                "settings}`.",
                 .example = "idx_metrics_device_time"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "partition",
        .description = "A hash space dimension.",
        .keys =
            {
                {.name = "column",
                 .forms = {{S::Identifier}},
                 .description = "The column to partition by.",
                 .example = "device_id",
                 .required = true},
                {.name = "partitions",
                 .forms = {{S::Integer}},
                 .description = "The number of hash partitions, 1 to 32767.",
                 .example = "4",
                 .required = true},
            },
        .forms = {},
    });
    d.push_back({
        .id = "dimension",
        .description = "A dimension: hash partitions (`partitions`) or ranges (`interval`) of a column, exactly "
                       "one of the two.",
        .keys =
            {
                {.name = "column",
                 .forms = {{S::Identifier}},
                 .description = "The column to partition by.",
                 .example = "station_id",
                 .required = true},
                {.name = "partitions",
                 .forms = {{S::Integer}},
                 .description = "The number of hash partitions, 1 to 32767 (a hash dimension).",
                 .example = "4"},
                {.name = "interval",
                 .forms = {{S::TimeAmount}},
                 .description = "The width of each range of a time or integer column (a range dimension; a "
                                "number for an integer column).",
                 .example = "7 days"},
            },
        .forms = {},
    });

    // ---- timescale_parser.cpp: Parser::parse_compression.
    d.push_back({
        .id = "compression",
        .description = "Compression settings, and with `after` the compression policy and its job's settings.",
        .keys = with(
            {
                {.name = "segment_by",
                 .forms = {{S::Names}},
                 .description = "Columns whose values group the compressed rows (compress_segmentby).",
                 .example = "[device_id]"},
                {.name = "order_by",
                 .forms = {{S::String}, {S::ListOf, "index_key"}},
                 .description = "Columns ordering the compressed rows (compress_orderby), as `column "
                                "[asc|desc] [nulls first|last]`; columns only, no expressions.",
                 .example = "[time desc]"},
                {.name = "chunk_interval",
                 .forms = {{S::TimeAmount}},
                 .description = "Compression merges chunks into ones this long (compress_chunk_time_interval); "
                                "not on integer time.",
                 .example = "7 days"},
                {.name = "after",
                 .forms = {{S::TimeAmount}},
                 .description = "The compression policy: how old chunks are when compressed; without it there is "
                                "no policy.",
                 .example = "7 days"},
            },
            job_settings(false)),
        .forms = {},
    });

    // ---- timescale_parser.cpp: Parser::parse_retention, parse_reorder.
    d.push_back({
        .id = "retention_policy",
        .description = "The retention policy with its job's settings.",
        .keys = with(
            {
                {.name = "drop_after",
                 .forms = {{S::TimeAmount}},
                 .description = "How old data must be before its chunks are dropped (a number on integer time).",
                 .example = "90 days",
                 .required = true},
            },
            job_settings(false)),
        .forms = {},
    });
    d.push_back({
        .id = "reorder_policy",
        .description = "The reorder policy with its job's settings.",
        .keys = with(
            {
                {.name = "index",
                 .forms = {{S::Identifier}},
                 .description = "The index chunks are reordered by: a declared index, the primary key, a unique "
                                "constraint, or TimescaleDB's `<table>_<time>_idx`.",
                 .example = "idx_metrics_device_time",
                 .required = true},
            },
            job_settings(false)),
        .forms = {},
    });

    // ---- timescale_parser.cpp: Parser::parse_aggregate, `aggregates:`.
    d.push_back({
        .id = "aggregate",
        .description = "A TimescaleDB continuous aggregate: time buckets of a hypertable (or of another "
                       "aggregate), grouped and aggregated.",
        .keys =
            {
                {.name = "renamed_from",
                 .forms = {{S::Identifier}},
                 .description = "The aggregate's previous name: the next migration renames it in place.",
                 .example = "daily_energy"},
                {.name = "from",
                 .forms = {{S::Identifier}},
                 .description = "The hypertable or continuous aggregate (hierarchical) it reads.",
                 .example = "readings",
                 .required = true},
                {.name = "bucket",
                 .forms = {{S::TimeAmount}},
                 .description = "The time_bucket width (a number on integer time).",
                 .example = "1 hour",
                 .required = true},
                {.name = "bucket_column",
                 .forms = {{S::Identifier}},
                 .description = "The name of the bucket's column; default `bucket`.",
                 .example = "hour"},
                {.name = "origin",
                 .forms = {{S::String}},
                 .description = "The timestamp buckets are aligned to; not together with `offset`.",
                 .example = "'2000-01-01 00:00:00+00'"},
                {.name = "offset",
                 .forms = {{S::TimeAmount}},
                 .description = "How far buckets are shifted from their usual alignment; not together with "
                                "`origin`.",
                 .example = "6 hours"},
                {.name = "timezone",
                 .forms = {{S::String}},
                 .description = "The time zone buckets follow, for a timestamptz source, such as Europe/Berlin.",
                 .example = "Europe/Berlin"},
                {.name = "joins",
                 .forms = {{S::ListOf, "join"}},
                 .description = "Plain tables joined to the source (INNER or LEFT).",
                 .example = "[{table: devices, on: devices.id = readings.device_id}]"},
                {.name = "group_by",
                 .forms = {{S::String}, {S::ListOf, "group_key"}},
                 .description = "Columns grouped by besides the bucket: source or joined columns "
                                "(`devices.site_id`), or `{name, expr}`.",
                 .example = "[device_id]"},
                {.name = "columns",
                 .forms = {{S::MapOf, "aggregate_column"}},
                 .description = "The aggregated columns, name to aggregate expression (or `{expr, type, "
                                "comment}`).",
                 .example = "{avg_value: avg(value), samples: count(*)}",
                 .required = true},
                {.name = "column_order",
                 .forms = {{S::Names}},
                 .description = "All output columns in another order than bucket, group-by, then `columns`, "
                                "each once.",
                 .example = "[device_id, bucket, avg_value]"},
                {.name = "where",
                 .forms = {{S::Sql}},
                 .description = "A condition on the source rows that are aggregated.",
                 .example = "quality_flag = 'good'"},
                {.name = "materialized_only",
                 .forms = {{S::Boolean}},
                 .description = "Whether queries read only materialized buckets (false: a real-time aggregate); "
                                "default true.",
                 .example = "false"},
                {.name = "with_data",
                 .forms = {{S::Boolean}},
                 .description = "Whether the aggregate is filled when created; default false (WITH NO DATA).",
                 .example = "true"},
                {.name = "create_group_indexes",
                 .forms = {{S::Boolean}},
                 .description = "Whether TimescaleDB creates an index per group-by column; default true.",
                 .example = "false"},
                {.name = "chunk_interval",
                 .forms = {{S::TimeAmount}},
                 .description = "How much time one chunk of the aggregate's rows holds; default TimescaleDB's "
                                "(ten times the source's).",
                 .example = "90 days"},
                {.name = "refresh",
                 .forms = {{S::Ref, "refresh_policy"}},
                 .description = "The refresh policy: the window each refresh covers and how often it runs.",
                 .example = "{start_offset: 3 hours, end_offset: 1 hour, schedule: 1 hour}"},
                {.name = "compression",
                 .forms = {{S::Ref, "compression"}},
                 .description = "Compression settings, and the compression policy when `after` is given.",
                 .example = "{segment_by: [device_id], after: 30 days}"},
                {.name = "retention",
                 .forms = retention_forms,
                 .description = "The retention policy: how old buckets must be before their chunks are dropped, "
                                "or `{drop_after, ...job settings}`.",
                 .example = "1 year"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the aggregate's view.",
                 .example = "Hourly energy per device"},
                grants_key("aggregate_privileges", "Privileges on the aggregate by role (`select` or `all`).",
                           "{grafana_reader: [select]}"),
            },
        .forms = {},
    });

    // ---- timescale_parser.cpp: Parser::parse_refresh.
    d.push_back({
        .id = "refresh_policy",
        .description = "A continuous aggregate's refresh policy with its job's settings.",
        .keys = with(
            {
                {.name = "start_offset",
                 .forms = {{S::TimeAmount}, {S::Any}},
                 .description = "How far back each refresh starts; null for from the beginning.",
                 .example = "3 hours",
                 .required = true},
                {.name = "end_offset",
                 .forms = {{S::TimeAmount}, {S::Any}},
                 .description = "How close to now each refresh ends (`0 days` allowed); null for up to now.",
                 .example = "1 hour",
                 .required = true},
            },
            with(job_settings(true),
                 {
                     {.name = "allow_beyond_source_retention",
                      .forms = {{S::Boolean}},
                      .description = "Whether the refresh window may reach past the source's retention (then a "
                                     "warning, not an error); default false.",
                      .example = "true"},
                     {.name = "buckets_per_batch",
                      .forms = {{S::Integer}},
                      .description = "How many buckets one batch of a refresh covers (0: all in one); default "
                                     "TimescaleDB's.",
                      .example = "4"},
                     {.name = "max_batches_per_execution",
                      .forms = {{S::Integer}},
                      .description = "How many batches one run refreshes at most (0: no limit); default "
                                     "TimescaleDB's.",
                      .example = "10"},
                     {.name = "refresh_newest_first",
                      .forms = {{S::Boolean}},
                      .description = "Whether batches refresh the newest buckets first; default TimescaleDB's.",
                      .example = "false"},
                 })),
        .forms = {},
    });

    // ---- timescale_parser.cpp: Parser::parse_group_by.
    d.push_back({
        .id = "group_key",
        .description = "A group-by key: a column (`device_id`, or a joined table's `devices.site_id`), or "
                       "`{name, expr}`.",
        .keys = {},
        .forms = {{S::String}, {S::Ref, "group_expression"}},
    });
    d.push_back({
        .id = "group_expression",
        .description = "A group-by expression and the output column it becomes.",
        .keys =
            {
                {.name = "name",
                 .forms = {{S::Identifier}},
                 .description = "The output column the expression becomes.",
                 .example = "label_lc",
                 .required = true},
                {.name = "expr",
                 .forms = {{S::Sql}},
                 .description = "The expression grouped by.",
                 .example = "lower(label)",
                 .required = true},
                {.name = "type",
                 .forms = {{S::ColumnType}},
                 .description = "The column's type, where the compiler cannot infer it.",
                 .example = "text"},
            },
        .forms = {},
    });

    // ---- timescale_parser.cpp: Parser::parse_joins.
    d.push_back({
        .id = "join",
        .description = "A plain table joined to the aggregate's source.",
        .keys =
            {
                {.name = "table",
                 .forms = {{S::Identifier}},
                 .description = "The plain table joined.",
                 .example = "devices",
                 .required = true},
                {.name = "on",
                 .forms = {{S::Sql}},
                 .description = "The join condition.",
                 .example = "devices.id = readings.device_id",
                 .required = true},
                {.name = "type",
                 .forms = {{S::Choice, {}, {"inner", "left"}}},
                 .description = "`inner` (the default) or `left`.",
                 .example = "left"},
            },
        .forms = {},
    });

    // ---- timescale_parser.cpp: Parser::parse_aggregate_columns.
    d.push_back({
        .id = "aggregate_column",
        .description = "An aggregated column: its aggregate expression, or `{expr, type, comment}`.",
        .keys = {},
        .forms = {{S::Sql}, {S::Ref, "aggregate_column_spec"}},
    });
    d.push_back({
        .id = "aggregate_column_spec",
        .description = "An aggregated column with its type and comment.",
        .keys =
            {
                {.name = "expr",
                 .forms = {{S::Sql}},
                 .description = "The aggregate expression over the source's columns.",
                 .example = "max(power_w) - min(power_w)",
                 .required = true},
                {.name = "type",
                 .forms = {{S::ColumnType}},
                 .description = "The column's type, where the compiler cannot infer it.",
                 .example = "double precision"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the aggregate's column.",
                 .example = "Watts"},
            },
        .forms = {},
    });

    // ---- function_parser.cpp: Parser::parse_triggers, a table's `triggers:`.
    const std::vector<std::string_view> trigger_events{"insert", "update", "delete", "truncate"};
    d.push_back({
        .id = "trigger",
        .description = "A trigger: when it fires (exactly one of `before` or `after`) and the function it runs.",
        .keys =
            {
                {.name = "before",
                 .forms = {{S::Choice, {}, trigger_events}, {S::ListOf, "trigger_event"}},
                 .description = "The events it fires before (BEFORE): insert, update, delete, truncate.",
                 .example = "[insert, update]"},
                {.name = "after",
                 .forms = {{S::Choice, {}, trigger_events}, {S::ListOf, "trigger_event"}},
                 .description = "The events it fires after (AFTER): insert, update, delete, truncate.",
                 .example = "[delete]"},
                {.name = "update_of",
                 .forms = {{S::Names}},
                 .description = "With `update`: fire only for updates of these columns (UPDATE OF).",
                 .example = "[url]"},
                {.name = "for_each",
                 .forms = {{S::Choice, {}, {"row", "statement"}}},
                 .description = "`row` (the default) or `statement`.",
                 .example = "statement"},
                {.name = "when",
                 .forms = {{S::Sql}},
                 .description = "A condition on OLD and NEW: the trigger fires only when it holds.",
                 .example = "OLD.* IS DISTINCT FROM NEW.*"},
                {.name = "function",
                 .forms = {{S::Identifier}},
                 .description = "The trigger function it runs: the schema's own (returning trigger) or a "
                                "built-in.",
                 .example = "set_updated_at",
                 .required = true},
                {.name = "args",
                 .forms = {{S::ListOf, "trigger_arg"}},
                 .description = "Strings passed to the function, which reads them as TG_ARGV; default none.",
                 .example = "[monitors]"},
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "The comment on the trigger (COMMENT ON TRIGGER).",
                 .example = "updated_at follows every change"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "trigger_event",
        .description = "An event that fires a trigger.",
        .keys = {},
        .forms = {{S::Choice, {}, trigger_events}},
    });
    d.push_back({
        .id = "trigger_arg",
        .description = "An argument passed to a trigger function, as text.",
        .keys = {},
        .forms = {{S::String}, {S::Number}, {S::Boolean}},
    });

    // ---- data_parser.cpp: Parser::parse_table_data, a table's `data:`.
    d.push_back({
        .id = "data_spec",
        .description = "Reference rows with the key they are found again by.",
        .keys =
            {
                {.name = "key",
                 .forms = {{S::Names}},
                 .description = "The columns a row is found again by (the primary key or a unique constraint); "
                                "default the primary key.",
                 .example = "[code]"},
                {.name = "rows",
                 .forms = {{S::ListOf, "data_row"}},
                 .description = "The rows, each a mapping of column to value.",
                 .example = "[{code: PJM, name: PJM Interconnection}]",
                 .required = true},
            },
        .forms = {},
    });
    d.push_back({
        .id = "data_row",
        .description = "A row: column to value.",
        .keys = {},
        .forms = {{S::MapOf, "data_value"}},
    });
    d.push_back({
        .id = "data_value",
        .description = "A value, as data: a scalar as text, `~` for NULL, a list for an array column, a mapping "
                       "for a json or jsonb column.",
        .keys = {},
        .forms = {{S::Any}},
    });

    // ---- job_parser.cpp: Parser::parse_jobs, `jobs:`.
    d.push_back({
        .id = "job",
        .description = "A user-defined TimescaleDB job: a procedure the scheduler runs with a config.",
        .keys = with(
            {
                {.name = "procedure",
                 .forms = {{S::Identifier}},
                 .description = "The procedure the job calls, declared under `procedures` with the arguments "
                                "(job_id integer, config jsonb).",
                 .example = "thin_old_runs",
                 .required = true},
                {.name = "config",
                 .forms = {{S::Any}},
                 .description = "The job's config, YAML (or JSON text in a string) that becomes jsonb; default "
                                "none.",
                 .example = "{keep: 30 days, models: [icon-d2, gfs]}"},
                {.name = "check_config",
                 .forms = {{S::Identifier}},
                 .description = "A function of the schema taking (config jsonb) that TimescaleDB calls to check "
                                "the config.",
                 .example = "check_thin"},
                {.name = "scheduled",
                 .forms = {{S::Boolean}},
                 .description = "Whether the job runs on its schedule (false: added paused); default true.",
                 .example = "false"},
            },
            job_settings(true)),
        .forms = {},
    });

    // ---- backfill_parser.cpp: Parser::parse_backfills, parse_backfill_checks, `backfills:`.
    d.push_back({
        .id = "backfill",
        .description = "A data migration: the transformation of one batch of the source as SQL, run in "
                       "checkpointed batches into the target.",
        .keys =
            {
                {.name = "comment",
                 .forms = {{S::String}},
                 .description = "What the backfill does, for people.",
                 .example = "Wide legacy readings into one row per point"},
                {.name = "source",
                 .forms = {{S::Identifier}},
                 .description = "The table whose rows the batches walk.",
                 .example = "readings",
                 .required = true},
                {.name = "key",
                 .forms = {{S::Identifier}},
                 .description = "The source column the batches are ranges of: an integer or timestamp column.",
                 .example = "inverter_time",
                 .required = true},
                // The words validate/backfill_rules.cpp accepts (kEpochUnits and `integer`).
                {.name = "unit",
                 .forms = {{S::Choice, {}, {"seconds", "milliseconds", "microseconds", "integer"}}},
                 .description = "For an integer key: what it counts, epoch seconds, milliseconds, microseconds, "
                                "or plain `integer`; not for a timestamp key.",
                 .example = "seconds"},
                {.name = "batch",
                 .forms = {{S::TimeAmount}},
                 .description = "How much of the key one batch covers: an interval, or a number for `unit: "
                                "integer`.",
                 .example = "1 day",
                 .required = true},
                {.name = "target",
                 .forms = {{S::Identifier}},
                 .description = "The table the rows go into.",
                 .example = "point_readings",
                 .required = true},
                {.name = "columns",
                 .forms = {{S::Names}},
                 .description = "The target columns the SELECT fills, in its order.",
                 .example = "[system_id, point_id, measurement_time, value]",
                 .required = true},
                {.name = "select",
                 .forms = {{S::Sql}},
                 .description = "The SELECT giving one batch's rows, bounded by `:batch_start` and `:batch_end` "
                                "on the key.",
                 .example = "SELECT system_id, time, value FROM readings WHERE time >= :batch_start AND time < "
                            ":batch_end",
                 .required = true},
                {.name = "expect",
                 .forms = {{S::Sql}},
                 .description = "A query counting the rows one batch must give, bounded by `:batch_start` and "
                                "`:batch_end`; default none.",
                 .example = "SELECT count(*) FROM readings WHERE time >= :batch_start AND time < :batch_end"},
                // The words validate/backfill_rules.cpp accepts (check_backfill).
                {.name = "on_conflict",
                 .forms = {{S::Choice, {}, {"do_nothing", "error", "update"}}},
                 .description = "What a row already in the target does: `do_nothing` (kept and counted, the "
                                "default), `error`, or `update`.",
                 .example = "do_nothing"},
                {.name = "checks",
                 .forms = {{S::ListOf, "backfill_check"}},
                 .description = "Checks of the whole run (`backfill verify`), over its range `:from` to "
                                "`:until`.",
                 .example = "[{name: rows per system, source: SELECT count(*) FROM readings, target: SELECT "
                            "count(*) FROM point_readings}]"},
                {.name = "pause",
                 .forms = {{S::Interval}},
                 .description = "A pause between batches, at most 1 hour; default none.",
                 .example = "250 ms"},
                {.name = "max_rows_per_second",
                 .forms = {{S::Integer}},
                 .description = "A limit on the rows written per second, to run beside a live system; default "
                                "none.",
                 .example = "50000"},
            },
        .forms = {},
    });
    d.push_back({
        .id = "backfill_check",
        .description = "A check of a backfill's run: `empty` (a query whose rows are problems), or both `source` "
                       "and `target` (queries whose results must be equal).",
        .keys =
            {
                {.name = "name",
                 .forms = {{S::String}},
                 .description = "What the check shows.",
                 .example = "counts per system",
                 .required = true},
                {.name = "empty",
                 .forms = {{S::Sql}},
                 .description = "A query whose rows are problems: the check passes when it returns none.",
                 .example = "SELECT * FROM point_readings WHERE value < 0"},
                {.name = "source",
                 .forms = {{S::Sql}},
                 .description = "A query over the source, whose result must equal the `target` query's.",
                 .example = "SELECT count(*) FROM readings"},
                {.name = "target",
                 .forms = {{S::Sql}},
                 .description = "A query over the target, whose result must equal the `source` query's.",
                 .example = "SELECT count(*) FROM point_readings"},
            },
        .forms = {},
    });

    return d;
}

}  // namespace

const std::vector<Definition>& definitions() {
    static const std::vector<Definition> kDefinitions = build();
    return kDefinitions;
}

const Definition* find_definition(std::string_view id) {
    for (const auto& d : definitions())
        if (d.id == id) return &d;
    return nullptr;
}

}  // namespace hyperschema::parse::dsl
