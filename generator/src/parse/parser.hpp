#pragma once

// Internal to the parser: one class, its methods split across files by the
// part of the DSL they read (schema_parser.cpp, table_parser.cpp,
// timescale_parser.cpp).

#include <map>

#include "catalog/privileges.hpp"
#include "parse/node_reader.hpp"
#include "parse/schema_parser.hpp"

namespace hyperschema::parse {

// A YAML mapping or list as compact JSON text (keys sorted); nullopt when
// reported (job_parser.cpp).
std::optional<std::string> yaml_json_text(ParseContext& ctx, const YAML::Node& node, const std::string& what);

class Parser {
public:
    Parser(Schema& schema, Diagnostics& diags) : schema_(schema), diags_(diags) {}

    void collect_enum_names(const SourceFile& file);
    void parse_file(const SourceFile& file);

private:
    // schema_parser.cpp
    void parse_settings(MapReader& top, ParseContext& ctx);
    void parse_extensions(ParseContext& ctx, const YAML::Node& node);
    void read_timescaledb_version(ParseContext& ctx, MapReader& settings, const std::string& version);
    void parse_enums(ParseContext& ctx, const YAML::Node& node);
    void parse_views(ParseContext& ctx, const YAML::Node& node);
    void parse_view_columns(ParseContext& ctx, View& view, const YAML::Node& node);
    Column parse_view_column(ParseContext& ctx, const View& view, const MapReader::Entry& entry);
    void parse_raw_sql(ParseContext& ctx, const YAML::Node& node);
    void parse_raw_sql_provides(ParseContext& ctx, RawSql& raw, const YAML::Node& node);

    // table_parser.cpp
    void parse_tables(ParseContext& ctx, const YAML::Node& node);
    Table parse_table(ParseContext& ctx, const std::string& name, const SourceLocation& loc, const YAML::Node& node);
    void parse_columns(ParseContext& ctx, Table& table, const YAML::Node& node, const SourceLocation& key_loc);
    void report_stray_columns(ParseContext& ctx, const Table& table, const YAML::Node& node, MapReader& spec);
    Column parse_column(ParseContext& ctx, Table& table, const std::string& name, const SourceLocation& loc,
                        const YAML::Node& node);
    void parse_column_spec(ParseContext& ctx, Table& table, Column& column, const YAML::Node& node);
    std::optional<ColumnType> parse_type(ParseContext& ctx, std::string text, const SourceLocation& loc,
                                         bool* nullable);
    void read_type_of(ParseContext& ctx, Column& column, const std::string& text);
    void read_scalar_column_type(ParseContext& ctx, Column& column, const YAML::Node& node);
    void read_column_type(ParseContext& ctx, Column& column, MapReader& spec);
    void parse_column_references(ParseContext& ctx, Table& table, const Column& column, const YAML::Node& node,
                                 MapReader& spec);
    void parse_unique(ParseContext& ctx, Table& table, const YAML::Node& node);
    void parse_foreign_keys(ParseContext& ctx, Table& table, const YAML::Node& node);
    void parse_checks(ParseContext& ctx, Table& table, const YAML::Node& node);
    void parse_indexes(ParseContext& ctx, Table& table, const YAML::Node& node);
    Index parse_index(ParseContext& ctx, const Table& table, const std::string& name, const SourceLocation& loc,
                      const YAML::Node& node);
    std::optional<KeyPart> parse_key_part(ParseContext& ctx, const YAML::Node& node, const std::string& what);
    std::optional<ReferentialAction> parse_action(ParseContext& ctx, MapReader& map, const std::string& key);

    // grant_parser.cpp
    std::vector<Grant> parse_grants(ParseContext& ctx, const YAML::Node& node, catalog::GrantTarget target,
                                    const std::string& owner);
    void parse_roles(ParseContext& ctx, const YAML::Node& node);

    // domain_parser.cpp
    void parse_domains(ParseContext& ctx, const YAML::Node& node);
    // A column (or array) of a declared domain: its base type, named by it.
    std::optional<ColumnType> domain_type(const std::string& text);

    // sequence_parser.cpp
    void parse_sequences(ParseContext& ctx, const YAML::Node& node);
    SequenceOptions parse_sequence_options(ParseContext& ctx, MapReader& spec);
    std::optional<Identity> parse_identity(ParseContext& ctx, const std::string& what, const YAML::Node& node);

    // job_parser.cpp
    void parse_jobs(ParseContext& ctx, const YAML::Node& node);
    void parse_backfills(ParseContext& ctx, const YAML::Node& node);
    // index_parser.cpp
    void parse_exclusions(ParseContext& ctx, Table& table, const YAML::Node& node);
    void parse_materialized(ParseContext& ctx, View& view, MapReader& spec);

    // timescale_parser.cpp
    Hypertable parse_hypertable(ParseContext& ctx, const std::string& table, const YAML::Node& node);
    std::optional<Compression> parse_compression(ParseContext& ctx, const std::string& owner, const YAML::Node& node,
                                                 Policies& policies);
    void parse_retention(ParseContext& ctx, const std::string& owner, const YAML::Node& node, Policies& policies);
    void parse_reorder(ParseContext& ctx, const std::string& owner, const YAML::Node& node, Policies& policies);
    void parse_job_settings(ParseContext& ctx, MapReader& spec, JobSettings& job);
    std::optional<Dimension> parse_dimension(ParseContext& ctx, const YAML::Node& node, const std::string& what,
                                             const SourceLocation& loc, bool hash_only);
    void parse_aggregates(ParseContext& ctx, const YAML::Node& node);
    ContinuousAggregate parse_aggregate(ParseContext& ctx, const std::string& name, const SourceLocation& loc,
                                        const YAML::Node& node);
    void parse_refresh(ParseContext& ctx, const std::string& owner, const YAML::Node& node, Policies& policies);
    void parse_aggregate_columns(ParseContext& ctx, ContinuousAggregate& agg, const YAML::Node& node);
    void parse_group_by(ParseContext& ctx, ContinuousAggregate& agg, const YAML::Node& node);
    void parse_joins(ParseContext& ctx, ContinuousAggregate& agg, const YAML::Node& node);

    // function_parser.cpp
    void parse_functions(ParseContext& ctx, const YAML::Node& node, RoutineKind kind);
    void parse_function_args(ParseContext& ctx, Function& function, const YAML::Node& node);
    std::optional<std::string> routine_type(ParseContext& ctx, const std::string& text, const SourceLocation& loc,
                                            const std::string& what, bool result);
    void parse_triggers(ParseContext& ctx, Table& table, const YAML::Node& node);
    void parse_table_data(ParseContext& ctx, Table& table, const YAML::Node& node);

    Schema& schema_;
    Diagnostics& diags_;
    std::vector<std::string> enum_names_;
    std::map<std::string, std::string> domain_types_;  // domain name -> its base type as written
    bool settings_seen_ = false;
    SourceLocation settings_loc_;
};

// Non-empty SQL text, or an error naming what it was for.
std::optional<std::string> read_sql(ParseContext& ctx, const YAML::Node& node, const std::string& what);

}  // namespace hyperschema::parse
