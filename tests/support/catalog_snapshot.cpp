#include "support/catalog_snapshot.hpp"

#include <algorithm>
#include <iterator>

#include "hyperschema/detail/pqxx_bridge.hpp"

namespace hyperschema::testing {
namespace {

struct Concept {
    const char* name;
    bool timescaledb;  // read only where the extension is installed
    const char* sql;   // $1: the namespace; one text column per row
};

// Adding a concept is one row. Each query yields one text per object.
const Concept kConcepts[] = {
    {"relation", false,
     "SELECT c.relname || ' ' || c.relkind::text || ' ' || c.relpersistence::text || coalesce(' ' || "
     "array_to_string(c.reloptions, ','), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
     "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"},
    {"column", false,
     "SELECT c.relname || '.' || a.attname || ' #' || a.attnum || ' ' || format_type(a.atttypid, a.atttypmod) || "
     "CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, "
     "d.adrelid), '') || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END || "
     "CASE WHEN a.attgenerated <> '' THEN ' GENERATED ' || a.attgenerated::text ELSE '' END || "
     "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN ' COLLATE ' || "
     "(SELECT collname FROM pg_collation WHERE oid = a.attcollation) ELSE '' END "
     "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
     "JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
     "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped"},
    {"constraint", false,
     "SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) || CASE WHEN k.condeferrable "
     "THEN ' DEFERRABLE' ELSE '' END FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1"},
    {"index", false,
     "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid "
     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1"},
    {"view", false,
     // A continuous aggregate's view reads its materialization by number, and
     // a real-time one its watermark by the materialization's id.
     "SELECT c.relname || ': ' || regexp_replace(regexp_replace(regexp_replace(pg_get_viewdef(c.oid, true), "
     "'\\s+', ' ', 'g'), '_materialized_hypertable_[0-9]+', '_materialized_hypertable_N', 'g'), "
     "'cagg_watermark\\([0-9]+\\)', 'cagg_watermark(N)', 'g') FROM pg_class c "
     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')"},
    // Privileges by object, role and kind, the owner's own left out.
    {"grant", false,
     "SELECT c.relname || ' ' || g.rolname || ' ' || a.privilege_type FROM pg_class c JOIN pg_namespace n ON "
     "n.oid = c.relnamespace, aclexplode(c.relacl) a JOIN pg_roles g ON g.oid = a.grantee WHERE n.nspname = $1 AND "
     "a.grantee <> c.relowner UNION ALL SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' "
     "|| coalesce(g.rolname, 'PUBLIC') || ' ' || a.privilege_type FROM pg_proc p JOIN pg_namespace n ON n.oid = "
     "p.pronamespace, aclexplode(p.proacl) a LEFT JOIN pg_roles g ON g.oid = a.grantee WHERE n.nspname = $1 AND "
     "a.grantee <> p.proowner UNION ALL SELECT 'schema ' || coalesce(g.rolname, 'PUBLIC') || ' ' || "
     "a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a LEFT JOIN pg_roles g ON g.oid = a.grantee WHERE "
     "n.nspname = $1 AND a.grantee <> n.nspowner"},
    {"domain", false,
     "SELECT t.typname || ' ' || format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' NOT NULL' "
     "ELSE '' END || coalesce(' DEFAULT ' || t.typdefault, '') || coalesce((SELECT ' ' || string_agg(c.conname || "
     "' ' || pg_get_constraintdef(c.oid), ', ' ORDER BY c.conname) FROM pg_constraint c WHERE c.contypid = t.oid), "
     "'') FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND n.nspname = $1"},
    {"sequence", false,
     "SELECT c.relname || ' ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || "
     "s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache || ' cycle ' || "
     "s.seqcycle || coalesce(' owned by ' || (SELECT t.relname || '.' || a.attname || ' ' || d.deptype::text "
     "FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = d.refobjid AND "
     "a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = "
     "'pg_class'::regclass AND d.deptype IN ('a', 'i')), '') FROM pg_sequence s JOIN pg_class c ON c.oid = "
     "s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1"},
    {"enum", false,
     "SELECT t.typname || ': ' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) FROM pg_type t "
     "JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid WHERE n.nspname = $1 "
     "GROUP BY t.typname"},
    {"function", false,
     "SELECT p.proname || '(' || pg_get_function_arguments(p.oid) || ') ' || p.prokind::text || ' ' || "
     "coalesce(pg_get_function_result(p.oid), '') || ' ' || l.lanname || ' ' || p.provolatile::text || "
     "CASE WHEN p.proisstrict THEN ' strict' ELSE '' END || CASE WHEN p.prosecdef THEN ' definer' ELSE '' END || "
     "coalesce(' ' || array_to_string(p.proconfig, ';'), '') || ' body ' || md5(btrim(p.prosrc, E' \\t\\r\\n')) "
     "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang "
     "WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND "
     "d.objid = p.oid AND d.deptype = 'e')"},
    {"trigger", false,
     "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal"},
    {"comment", false,
     "SELECT CASE d.classoid WHEN 'pg_class'::regclass THEN 'relation ' || (SELECT relname FROM pg_class WHERE "
     "oid = d.objoid) || coalesce('.' || (SELECT attname FROM pg_attribute WHERE attrelid = d.objoid AND attnum = "
     "d.objsubid AND d.objsubid > 0), '') WHEN 'pg_proc'::regclass THEN 'function ' || d.objoid::regprocedure "
     "WHEN 'pg_type'::regclass THEN 'type ' || d.objoid::regtype WHEN 'pg_trigger'::regclass THEN 'trigger ' || "
     "(SELECT tgname || ' on ' || tgrelid::regclass FROM pg_trigger WHERE oid = d.objoid) "
     "WHEN 'pg_constraint'::regclass THEN 'constraint ' || (SELECT conname || ' on ' || conrelid::regclass FROM "
     "pg_constraint WHERE oid = d.objoid) WHEN 'pg_namespace'::regclass THEN 'schema ' || (SELECT nspname FROM "
     "pg_namespace WHERE oid = d.objoid) ELSE d.classoid::regclass::text END || ': ' || "
     "d.description FROM pg_description d WHERE CASE d.classoid "
     "WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objoid) "
     "WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objoid) "
     "WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objoid) "
     "WHEN 'pg_trigger'::regclass THEN (SELECT c.relnamespace FROM pg_trigger t JOIN pg_class c ON c.oid = "
     "t.tgrelid WHERE t.oid = d.objoid) "
     "WHEN 'pg_constraint'::regclass THEN (SELECT connamespace FROM pg_constraint WHERE oid = d.objoid) "
     "WHEN 'pg_namespace'::regclass THEN d.objoid END = "
     "(SELECT oid FROM pg_namespace WHERE nspname = $1)"},
    {"dimension", true,
     "SELECT hypertable_name || ' #' || dimension_number || ' ' || column_name || ' ' || column_type || ' ' || "
     "dimension_type || coalesce(' interval ' || time_interval::text, '') || coalesce(' integer ' || "
     "integer_interval, '') || coalesce(' now ' || integer_now_func, '') || coalesce(' partitions ' || "
     "num_partitions, '') FROM timescaledb_information.dimensions WHERE hypertable_schema = $1"},
    {"compression", true,
     "SELECT h.hypertable_name || ' ' || coalesce(s.segmentby, '') || ' | ' || coalesce(s.orderby, '') || "
     "coalesce(' merged ' || s.compress_interval_length, '') "
     "FROM timescaledb_information.hypertables h JOIN timescaledb_information.hypertable_compression_settings s "
     "ON s.hypertable = format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass "
     "WHERE h.hypertable_schema = $1"},
    {"aggregate", true,
     "SELECT view_name || ' materialized_only ' || materialized_only || ' compression ' || compression_enabled || "
     "': ' || regexp_replace(view_definition, '\\s+', ' ', 'g') "
     "FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1"},
    {"chunk skipping", true,
     "SELECT h.table_name || '.' || s.column_name FROM _timescaledb_catalog.chunk_column_stats s JOIN "
     "_timescaledb_catalog.hypertable h ON h.id = s.hypertable_id WHERE s.chunk_id IS NULL AND h.schema_name = $1"},
    // A job by its relation (an aggregate's by its view) and kind; its ids
    // (job, hypertable) left out of the config.
    {"job", true,
     "SELECT coalesce(ca.user_view_name, h.table_name, '-') || ' ' || j.proc_schema || '.' || j.proc_name || "
     "' named ' || regexp_replace(j.application_name, ' \\[[0-9]+\\]$', '') || "
     "coalesce(' check ' || j.check_schema || '.' || j.check_name, '') || "
     "' every ' || j.schedule_interval || ' max_runtime ' || j.max_runtime || ' retries ' || j.max_retries || "
     "' retry ' || j.retry_period || ' scheduled ' || j.scheduled || ' fixed ' || j.fixed_schedule || "
     "coalesce(' start ' || CASE WHEN j.fixed_schedule THEN j.initial_start::text END, '') || "
     "coalesce(' tz ' || j.timezone, '') || ' config ' || coalesce((j.config - 'hypertable_id' - "
     "'mat_hypertable_id')::text, '') "
     "FROM _timescaledb_catalog.bgw_job j LEFT JOIN _timescaledb_catalog.hypertable h ON h.id = j.hypertable_id "
     "LEFT JOIN _timescaledb_catalog.continuous_agg ca ON ca.mat_hypertable_id = j.hypertable_id "
     "WHERE j.id >= 1000 AND (coalesce(ca.user_view_schema, h.schema_name) = $1 OR j.proc_schema = $1)"},
};

}  // namespace

std::vector<std::string> catalog_snapshot(pqxx::connection& conn, const std::string& ns) {
    pqxx::work tx(conn);
    // The server's own spelling of intervals and names, whatever the session's.
    tx.exec("SET LOCAL intervalstyle = postgres; SET LOCAL search_path = pg_catalog");
    const bool timescaledb = !tx.exec("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'").empty();
    std::vector<std::string> out;
    for (const auto& c : kConcepts) {
        if (c.timescaledb && !timescaledb) continue;
        std::vector<std::string> lines;
        for (const auto& row : detail::pqxx_bridge::exec(tx, c.sql, ns))
            lines.push_back(std::string(c.name) + " " + row[0].c_str());
        std::sort(lines.begin(), lines.end());
        out.insert(out.end(), lines.begin(), lines.end());
    }
    return out;
}

std::string snapshot_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    // As multisets: a line twice on one side and once on the other differs.
    std::vector<std::string> sorted_a = a, sorted_b = b, only_a, only_b;
    std::sort(sorted_a.begin(), sorted_a.end());
    std::sort(sorted_b.begin(), sorted_b.end());
    std::set_difference(sorted_a.begin(), sorted_a.end(), sorted_b.begin(), sorted_b.end(), std::back_inserter(only_a));
    std::set_difference(sorted_b.begin(), sorted_b.end(), sorted_a.begin(), sorted_a.end(), std::back_inserter(only_b));
    std::string out;
    for (const auto& line : only_a) out += "- " + line + "\n";
    for (const auto& line : only_b) out += "+ " + line + "\n";
    return out;
}

}  // namespace hyperschema::testing
