// The aggregate function table (catalog/aggregate_functions.hpp) and the
// expression typer (model/expression_type.hpp) against the server: for every
// function and every column type, the server's pg_typeof() of the call is the
// result the table gives, and the server refuses the calls the table refuses;
// for a corpus of aggregate-column expressions, the inferred type is the
// server's; and a continuous aggregate built from a schema has, column by
// column, the types the compiler inferred.

#include "support/catch.hpp"

#include <map>
#include <pqxx/pqxx>

#include "hyperschema/connection.hpp"

#include "catalog/aggregate_functions.hpp"
#include "catalog/column_types.hpp"
#include "migrate/schema_script.hpp"
#include "model/expression_type.hpp"
#include "model/relations.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using hyperschema::testing::PgCluster;

namespace {

// One column per built-in type, an enum and an array: the argument types asked about.
struct SampleColumn {
    std::string name;
    ColumnType type;
};

std::vector<SampleColumn> sample_columns() {
    std::vector<SampleColumn> out;
    for (const auto& traits : catalog::all_types()) {
        if (traits.base == BaseType::Enum) continue;
        if (!traits.extension.empty() && !PgCluster::shared().has_extension(std::string(traits.extension)))
            continue;  // PostGIS where it is not installed
        std::string error;
        out.push_back({"c_" + std::to_string(out.size()), *parse_column_type(std::string(traits.name), {}, &error)});
    }
    std::string error;
    out.push_back({"c_enum", *parse_column_type("mood", {"mood"}, &error)});
    out.push_back({"c_array", *parse_column_type("text[]", {}, &error)});
    return out;
}

std::string create_samples_sql(const std::vector<SampleColumn>& columns) {
    std::string sql = "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE samples (t timestamptz";
    for (const auto& c : columns) sql += ", " + c.name + " " + c.type.sql();
    return sql + ")";
}

// How each function is called on column {c}; `{f}({c})` unless listed.
std::string call_of(const catalog::AggregateFunction& f, const std::string& column, const ColumnType& type) {
    static const std::map<std::string, std::string, std::less<>> kCalls{
        {"string_agg", "{f}({c}, {c})"},
        {"corr", "{f}({c}, {c})"},
        {"covar_pop", "{f}({c}, {c})"},
        {"covar_samp", "{f}({c}, {c})"},
        {"first", "{f}({c}, t)"},
        {"last", "{f}({c}, t)"},
        {"histogram", "{f}({c}, 0, 10, 5)"},
        {"mode", "{f}() WITHIN GROUP (ORDER BY {c})"},
        {"rank", "{f}(NULL::{type}) WITHIN GROUP (ORDER BY {c})"},
        {"dense_rank", "{f}(NULL::{type}) WITHIN GROUP (ORDER BY {c})"},
        {"percent_rank", "{f}(NULL::{type}) WITHIN GROUP (ORDER BY {c})"},
        {"cume_dist", "{f}(NULL::{type}) WITHIN GROUP (ORDER BY {c})"},
    };
    std::string call = f.requires_within_group() ? "{f}(0.5) WITHIN GROUP (ORDER BY {c})" : "{f}({c})";
    if (f.name.rfind("regr_", 0) == 0) call = "{f}({c}, {c})";
    if (auto it = kCalls.find(f.name); it != kCalls.end()) call = it->second;
    auto replace_all = [&](const std::string& key, const std::string& value) {
        for (size_t at = call.find(key); at != std::string::npos; at = call.find(key, at + value.size()))
            call.replace(at, key.size(), value);
    };
    replace_all("{f}", std::string(f.name));
    replace_all("{c}", column);
    replace_all("{type}", type.sql());
    return call;
}

// The type of the expression as a view column over table samples (with its
// modifier, which pg_typeof() would drop), or "" when the server refuses it.
std::string server_type(hyperschema::connection& conn, const std::string& expression, std::string* error) {
    pqxx::work tx(conn);
    try {
        tx.exec("CREATE VIEW probe AS SELECT " + expression + " AS x FROM samples");
        auto r = tx.exec(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'probe'::regclass AND "
            "attname = 'x'");
        return r[0][0].as<std::string>();  // the transaction rolls back: no view stays
    } catch (const pqxx::sql_error& e) {
        *error = e.what();
        return "";
    }
}

}  // namespace

TEST_CASE("every aggregate function's result type per argument type is the server's", "[pg][catalog]") {
    auto& pg = PgCluster::shared();
    const bool timescale = pg.has_timescaledb();
    auto conn = hyperschema::connect(pg.dsn(pg.create_database("aggregate_results")));
    const auto columns = sample_columns();
    {
        pqxx::work tx(conn);
        if (timescale) tx.exec("CREATE EXTENSION timescaledb");
        for (const auto& traits : catalog::all_types())  // citext, hstore, ltree, postgis where installed
            if (!traits.extension.empty() && pg.has_extension(std::string(traits.extension)))
                tx.exec("CREATE EXTENSION IF NOT EXISTS " + std::string(traits.extension));
        tx.exec(create_samples_sql(columns));
        tx.commit();
    }
    for (const auto& f : catalog::all_aggregate_functions()) {
        if (f.provider == "TimescaleDB" && !timescale) continue;  // first, last, histogram
        for (const auto& c : columns) {
            const std::string call = call_of(f, c.name, c.type);
            std::string error;
            const std::string server = server_type(conn, call, &error);
            const auto table = f.result(c.type);
            INFO(call << " over " << c.type.sql() << ": the table says "
                      << (table ? table->catalog_sql() : std::string("no such function")) << ", the server says "
                      << (server.empty() ? error : server));
            CHECK(server == (table ? table->catalog_sql() : std::string()));
        }
    }
}

namespace {

struct ExpressionCase {
    const char* expression;
};

// Aggregate-column expressions as schemas write them; the expected type is
// whatever the server says. An expression the typer cannot type must be one
// it says nothing about (nullopt), never a wrong type.
const char* const kExpressions[] = {
    "sum(s)",
    "sum(r)",
    "sum(big)",
    "sum(n)",
    "avg(s)",
    "avg(r)",
    "avg(big)",
    "avg(n)",
    "stddev(r)",
    "variance(s)",
    "max(iv)",
    "bit_and(s)",
    "min(i) + 1",
    "sum(i) + 1",
    "sum(i) * 1.5",
    "sum(v) + sum(i)",
    "avg(r) * 2",
    "max(r) + 1",
    "max(r) * max(s)",
    "max(s) + max(s)",
    "max(s) + 1",
    "max(i) / max(big)",
    "sum(CASE WHEN b THEN 1 ELSE 0 END)",
    "sum(CASE WHEN b THEN 1.0 ELSE 0 END)",
    "sum(CASE WHEN b THEN v END)",
    "sum(CASE WHEN b THEN i ELSE big END)",
    "count(*)::double precision",
    "CAST(count(*) AS real)",
    "max(v) - min(v)",
    "round(avg(v)::numeric, 2)",
    "round(avg(v))",
    "abs(sum(v))",
    "coalesce(max(v), 0)",
    "coalesce(max(i), 0)",
    "greatest(max(i), max(big))",
    "sum(v)::numeric(10,2)",
    "avg(i)::float8",
    "max(time) - min(time)",
    "max(iv) * 2",
    "sum(i)::real / count(*)",
    "count(*) * 100 / 5",
    "100.0 * sum(i) / count(*)",
    "avg(v) FILTER (WHERE b)",
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY r)",
    "percentile_disc(0.5) WITHIN GROUP (ORDER BY s)",
    "percentile_cont(0.9) WITHIN GROUP (ORDER BY n)",
    "percentile_cont(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY v)",
    "mode() WITHIN GROUP (ORDER BY dev)",
    "array_agg(dev)",
    "array_agg(v ORDER BY time)",
    "string_agg(dev, ',')",
    "ceil(max(v))",
    "floor(avg(n))",
    "sqrt(sum(v))",
    "max(dev) || 'x'",
    "extract(epoch from max(time))",
    "count(*) > 0",
    "-max(v)",
    "sum(r * 2)",
    "sum(i * 2)",
    "sum(s * s)",
    "sum(i * 0.5)",
    "sum(v * i)",
    "sum(n * 2)",
    "avg(big / 2)",
    "sum(i % 2)",
    "count(DISTINCT dev)",
    "max(c3)",
    "min(vc)",
    "max(net)",
    "sum(clock)",
    "avg(clock)",
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY clock)",
    "max(time) + interval '1 hour'",
    "max(day) - min(day)",
    "max(day) + 1",
    "bool_and(b) OR bool_or(b)",
    "max(CASE WHEN b THEN 'yes' END)",
    "nullif(max(i), 0)",
    "max(v) FILTER (WHERE v > 0) - min(v)",
    "sum(v) / nullif(count(*), 0)",
    "date_part('hour', max(time))",
    "count(*) FILTER (WHERE b) * 100.0 / count(*)",
    // Forms the parse tree types that the token reader before it did not.
    "max(time) AT TIME ZONE 'UTC'",
    "max(v) BETWEEN 1 AND 2",
    "count(*) FILTER (WHERE v NOT BETWEEN 1 AND 2)",
    "extract(epoch FROM max(time))",
    "max(time) > current_timestamp",
    "min(day) - current_date",
    "bool_or(b) IS NOT TRUE",
    "max(dev COLLATE \"C\")",
    "coalesce(max(i), -1)",
};

RelationShape expression_source() {
    RelationShape shape;
    shape.found = true;
    shape.time_column = "time";
    auto add = [&](const char* name, const char* type) {
        std::string error;
        shape.columns.push_back({name, parse_column_type(type, {}, &error), true});
    };
    add("time", "timestamptz");
    add("dev", "text");
    add("v", "double precision");
    add("i", "integer");
    add("iv", "interval");
    add("b", "boolean");
    add("n", "numeric");
    add("s", "smallint");
    add("r", "real");
    add("big", "bigint");
    add("c3", "char(3)");
    add("vc", "varchar(10)");
    add("net", "cidr");
    add("clock", "time");
    add("day", "date");
    return shape;
}

}  // namespace

TEST_CASE("the types inferred for aggregate expressions are the server's", "[pg][catalog]") {
    auto& pg = PgCluster::shared();
    auto conn = hyperschema::connect(pg.dsn(pg.create_database("expression_types")));
    const RelationShape source = expression_source();
    {
        pqxx::work tx(conn);
        std::string sql = "CREATE TABLE samples (";
        for (size_t k = 0; k < source.columns.size(); ++k)
            sql += (k ? ", " : "") + source.columns[k].name + " " + source.columns[k].type->sql();
        tx.exec(sql + ")");
        tx.commit();
    }
    int inferred = 0;
    for (const char* expression : kExpressions) {
        std::string error;
        const std::string server = server_type(conn, expression, &error);
        INFO(expression << ": the server says " << (server.empty() ? error : server));
        REQUIRE_FALSE(server.empty());
        const auto type = infer_expression_type(expression, source);
        INFO("inferred: " << (type ? type->catalog_sql() : std::string("(nothing)")));
        if (type) {
            ++inferred;
            CHECK(type->catalog_sql() == server);
        }
    }
    // Not a type guessed for the easy ones only: most of the corpus is typed.
    CHECK(inferred >= static_cast<int>(std::size(kExpressions)) - 3);
}

TEST_CASE("a continuous aggregate has the column types the compiler inferred", "[timescaledb][catalog]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const std::string yaml = R"yaml(
tables:
  readings:
    columns: {time: timestamptz, device_id: text, code: varchar(8), value: double precision, count: integer,
              lag: interval, ok: boolean, net: cidr, opens: time}
    hypertable: {time_column: time}
aggregates:
  hourly:
    from: readings
    bucket: 1 hour
    group_by: [device_id]
    columns:
      energy: "sum(CASE WHEN value > 0 THEN value ELSE 0 END)"
      good: "sum(CASE WHEN ok THEN 1 ELSE 0 END)"
      spread: max(value) - min(value)
      first_code: first(code, time)
      max_code: max(code)
      devices: count(DISTINCT code)
      median_lag: percentile_cont(0.5) WITHIN GROUP (ORDER BY lag)
      quartiles: percentile_cont(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY value)
      positive: sum(value) FILTER (WHERE value > 0)
      ordered: array_agg(value ORDER BY time)
      most_common: mode() WITHIN GROUP (ORDER BY code)
      total: sum(count)
      mean: avg(count)
      widest: max(net)
      total_opening: sum(opens)
      share: "100.0 * sum(count) / nullif(count(*), 0)"
)yaml";
    CompileResult compiled = compile_texts({{"schema.yaml", yaml}}, "inferred");
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("inferred_types");
    auto conn = hyperschema::connect(pg.dsn(db));
    {
        pqxx::nontransaction tx(conn);
        tx.exec(history::schema_sql(compiled.schema));
    }
    pqxx::work tx(conn);
    const ContinuousAggregate& agg = *compiled.schema.find_aggregate("hourly");
    for (const auto& c : output_of(compiled.schema, agg).columns) {
        INFO("column " << c.name);
        REQUIRE(c.type.has_value());
        auto r = hyperschema::detail::pqxx_bridge::exec(
            tx,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'hourly'::regclass AND "
            "attname = $1",
            c.name);
        CHECK(r[0][0].as<std::string>() == c.type->catalog_sql());
    }
}
