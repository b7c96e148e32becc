#include "validate/validate.hpp"

#include "model/expression_type.hpp"
#include "model/relations.hpp"
#include "validate/rules.hpp"

namespace hyperschema {

static void infer_aggregate_types(Schema& schema) {
    // Parents before children would be needed only if a child's inference read
    // a parent's inferred type, which shape_of() computes on demand anyway.
    for (auto& agg : schema.aggregates) {
        RelationShape source = shape_of(schema, agg.source.name);
        for (auto& column : agg.columns) {
            if (!column.type) column.type = infer_expression_type(column.expression, source);
        }
    }
}

void validate(Schema& schema, Diagnostics& diags) {
    rules::check_names(schema, diags);
    rules::check_dependencies(schema, diags);
    rules::check_functions(schema, diags);
    rules::check_sequences(schema, diags);
    rules::check_domains(schema, diags);
    rules::check_grants(schema, diags);
    rules::check_jobs(schema, diags);
    rules::check_backfills(schema, diags);
    for (const auto& table : schema.tables) {
        rules::check_table(schema, table, diags);
        rules::check_value_sources(schema, table, diags);
        rules::check_indexes(schema, table, diags);
        if (table.hypertable) rules::check_hypertable(schema, table, diags);
        if (table.data) rules::check_table_data(schema, table, diags);
    }
    for (const auto& view : schema.views) rules::check_view(schema, view, diags);
    for (const auto& agg : schema.aggregates) rules::check_aggregate(schema, agg, diags);
    rules::check_fragment_syntax(schema, diags);
    if (!diags.has_errors()) {
        for (const auto& agg : schema.aggregates) rules::check_row_types(schema, agg, diags);
        rules::note_unknown_functions(schema, diags);
    }
    infer_aggregate_types(schema);
}

}  // namespace hyperschema
