#include "pull/live_database.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/error.hpp"

namespace hyperschema::pull {
namespace {

using detail::text_field;
using detail::unit_separated;
namespace bridge = detail::pqxx_bridge;

// The namespace's own objects, not an extension's (PostGIS's tables live in public).
const char* kNotExtensions =
    " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid "
    "AND e.deptype = 'e')";

// Array columns come back as text joined by chr(31): libpqxx 6, 7 and 8 read
// arrays three different ways.
template <class Field>  // pqxx::field up to libpqxx 7, pqxx::field_ref from 8
std::vector<std::string> parts(const Field& f) {
    return unit_separated(text_field(f));
}

// PostgreSQL prints `col IN ('a', 'b')` on a varchar column as
// `col::text = ANY (ARRAY['a'::character varying, ...]::text[])` (pretty), which
// it parses back into a different tree (the cast moves into each element),
// so the constraint would not be the same one. The IN list it came from is.
std::string varchar_in_list(const std::string& sql) {
    static const std::regex any_of_varchars(
        R"(("[^"]+"|[a-z_][a-z0-9_$]*)::text = ANY \(ARRAY\[((?:'(?:[^']|'')*'::character varying(?:, )?)+)\]::text\[\]\))");
    static const std::regex varchar_cast("::character varying");
    std::string out;
    auto begin = std::sregex_iterator(sql.begin(), sql.end(), any_of_varchars);
    size_t copied = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        out += sql.substr(copied, m.position(0) - copied) + m[1].str() + " IN (" +
               std::regex_replace(m[2].str(), varchar_cast, "") + ")";
        copied = m.position(0) + m.length(0);
    }
    return out + sql.substr(copied);
}

void read_indexes(pqxx::dbtransaction& tx, LiveDatabase& db) {
    const std::string sql =
        "SELECT t.relname, i.relname, am.amname, x.indisunique, x.indnullsnotdistinct, k.n > x.indnkeyatts, "
        "k.attnum = 0, CASE WHEN k.attnum = 0 THEN pg_get_indexdef(x.indexrelid, k.n::int, true) ELSE a.attname "
        "END, coalesce((x.indoption[k.n - 1] & 1) = 1, false), coalesce((x.indoption[k.n - 1] & 2) = 2, false), "
        "pg_get_expr(x.indpred, x.indrelid, true), coalesce(con.conname, ''), pg_get_indexdef(x.indexrelid), "
        // An operator class or collation of its own is more than the DSL says.
        "k.n <= x.indnkeyatts AND NOT coalesce((SELECT opcdefault FROM pg_opclass WHERE oid = x.indclass[k.n - "
        "1]), true), k.n <= x.indnkeyatts AND x.indcollation[k.n - 1] NOT IN (0, 100, coalesce(a.attcollation, 0)), "
        "coalesce((SELECT o.oprname FROM pg_operator o WHERE o.oid = con.conexclop[k.n]), ''), "
        "CASE WHEN NOT x.indisvalid THEN 'it is invalid (a failed CREATE INDEX CONCURRENTLY)' "
        "WHEN am.amname NOT IN ('btree', 'hash', 'gin', 'gist', 'brin') THEN 'its access method ' || am.amname || "
        "' is not one the DSL has' WHEN i.reloptions IS NOT NULL THEN 'it has storage parameters (' || "
        "array_to_string(i.reloptions, ', ') || ')' WHEN x.indnullsnotdistinct AND con.conname IS NULL THEN "
        "'it is a NULLS NOT DISTINCT unique index (the DSL has it on unique constraints)' ELSE '' END "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam "
        "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n) "
        "LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0 "
        "LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND "
        "con.contype IN ('p', 'u', 'x') "
        "WHERE n.nspname = $1 AND t.relkind IN ('r', 'm') AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE "
        "e.classid = 'pg_class'::regclass AND e.objid = t.oid AND e.deptype = 'e') ORDER BY t.relname, i.relname, k.n";
    for (const auto& r : bridge::exec(tx, sql, db.namespace_)) {
        if (db.indexes.empty() || db.indexes.back().name != r[1].c_str()) {
            LiveIndex index;
            index.table = r[0].c_str();
            index.name = r[1].c_str();
            index.method = r[2].c_str();
            index.unique = r[3].as<bool>();
            index.nulls_not_distinct = r[4].as<bool>();
            index.where = varchar_in_list(text_field(r[10]));
            index.constraint = r[11].c_str();
            index.definition = r[12].c_str();
            index.unsupported = r[16].c_str();
            db.indexes.push_back(std::move(index));
        }
        LiveIndex& index = db.indexes.back();
        if (r[5].as<bool>()) {
            index.include.push_back(r[7].c_str());
            continue;
        }
        if (r[13].as<bool>() && index.unsupported.empty())
            index.unsupported = "a key has an operator class other than its type's default";
        if (r[14].as<bool>() && index.unsupported.empty()) index.unsupported = "a key has a collation of its own";
        index.keys.push_back({r[7].c_str(), r[6].as<bool>(), r[8].as<bool>(), r[9].as<bool>(), r[15].c_str()});
    }
}

// The columns of an int2[] of attribute numbers, in order, as chr(31)-joined text.
std::string column_names(const std::string& numbers, const std::string& relation) {
    return "array_to_string(ARRAY(SELECT a.attname FROM unnest(" + numbers +
           ") WITH ORDINALITY u(attnum, i) JOIN pg_attribute a ON a.attrelid = " + relation +
           " AND a.attnum = u.attnum ORDER BY u.i), chr(31))";
}

template <class Row>  // pqxx::row up to libpqxx 7, pqxx::row_ref from 8
std::string constraint_problem(const Row& r) {
    if (r[9].template as<bool>()) return "it is DEFERRABLE";
    if (!r[10].template as<bool>()) return "it is NOT VALID";
    if (r[2].c_str()[0] == 'c' && r[11].template as<bool>()) return "it is NO INHERIT";
    if (r[2].c_str()[0] == 'f' && r[8].c_str()[0] == 'f') return "it is MATCH FULL";
    if (!r[15].is_null()) return "ON DELETE SET NULL or SET DEFAULT names columns";
    return "";
}

void read_constraints(pqxx::dbtransaction& tx, LiveDatabase& db) {
    const std::string sql = "SELECT c.relname, k.conname, k.contype, " + column_names("k.conkey", "k.conrelid") +
                            ", fn.nspname, f.relname, " + column_names("k.confkey", "k.confrelid") +
                            ", k.confdeltype, k.confmatchtype, k.condeferrable, k.convalidated, k.connoinherit, "
                            "CASE WHEN k.contype = 'c' THEN pg_get_expr(k.conbin, k.conrelid, true) END, "
                            "coalesce(i.relname, ''), pg_get_constraintdef(k.oid, true), k.confdelsetcols, "
                            "k.confupdtype "
                            "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                            "JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "LEFT JOIN pg_class f ON f.oid = k.confrelid "
                            "LEFT JOIN pg_namespace fn ON fn.oid = f.relnamespace "
                            "LEFT JOIN pg_class i ON i.oid = k.conindid "
                            "WHERE n.nspname = $1 AND c.relkind = 'r' AND k.contype IN ('p', 'u', 'f', 'c', 'x')" +
                            std::string(kNotExtensions) + " ORDER BY c.relname, k.conname";
    for (const auto& r : bridge::exec(tx, sql, db.namespace_)) {
        LiveConstraint k;
        k.table = r[0].c_str();
        k.name = r[1].c_str();
        k.type = r[2].c_str()[0];
        k.columns = parts(r[3]);
        k.ref_namespace = text_field(r[4]);
        k.ref_table = text_field(r[5]);
        k.ref_columns = parts(r[6]);
        k.on_delete = r[7].c_str()[0];
        k.on_update = r[16].c_str()[0];
        k.check = varchar_in_list(text_field(r[12]));
        k.index = r[13].c_str();
        k.definition = r[14].c_str();
        k.unsupported = constraint_problem(r);
        if (k.type == 'f' && k.ref_namespace != db.namespace_)
            k.unsupported = "it references a table in another schema (" + k.ref_namespace + ")";
        db.constraints.push_back(std::move(k));
    }
}

template <class Row>
std::string routine_problem(const Row& r) {
    const std::string language = r[3].c_str();
    if (language != "sql" && language != "plpgsql") return "it is written in " + language;
    if (r[4].template as<bool>()) return "its body is BEGIN ATOMIC (SQL-standard)";
    if (r[5].c_str()[0] != 'u') return "it is PARALLEL SAFE or RESTRICTED";
    if (r[6].template as<bool>()) return "it is LEAKPROOF";
    if (!r[7].template as<bool>()) return "it has a COST or ROWS of its own";
    return "";
}

void read_routines(pqxx::dbtransaction& tx, LiveDatabase& db) {
    const std::string sql =
        "SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid), l.lanname, "
        "p.prosqlbody IS NOT NULL, p.proparallel, p.proleakproof, p.procost = CASE WHEN l.lanname IN ('c', "
        "'internal') THEN 1 ELSE 100 END AND p.prorows = CASE WHEN p.proretset THEN 1000 ELSE 0 END, a.n, "
        "coalesce(p.proargnames[a.n], ''), coalesce(p.proargmodes[a.n], 'i'), format_type(a.t, NULL), "
        "CASE WHEN a.n IS NOT NULL THEN pg_get_function_arg_default(p.oid, a.n::int) END "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang "
        "LEFT JOIN LATERAL unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY a(t, n) ON true "
        "WHERE n.nspname = $1 AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE "
        "d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1, 2, a.n";
    for (const auto& r : bridge::exec(tx, sql, db.namespace_)) {
        if (db.routines.empty() || db.routines.back().name != r[0].c_str() ||
            db.routines.back().identity_arguments != r[1].c_str()) {
            db.routines.push_back({r[0].c_str(), r[1].c_str(), {}, r[2].c_str(), routine_problem(r)});
        }
        if (r[8].is_null()) continue;
        static const std::map<char, std::string> modes{
            {'i', ""}, {'o', "out"}, {'b', "inout"}, {'v', "variadic"}, {'t', "table"}};
        const char mode = r[10].c_str()[0];
        LiveRoutine& routine = db.routines.back();
        routine.arguments.push_back({r[9].c_str(), r[11].c_str(), modes.at(mode), text_field(r[12])});
        if (mode == 't') routine.unsupported = "it RETURNS TABLE";
    }
}

std::vector<std::string> trigger_arguments(const std::string& hex) {
    std::vector<std::string> args;
    std::string current;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        const char c = static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
        if (c == '\0') {
            args.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    return args;
}

// WHEN (...) of a trigger as pg_get_triggerdef prints it: the condition inside.
std::string trigger_condition(const std::string& definition) {
    const size_t when = definition.find(" WHEN (");
    const size_t execute = definition.rfind(") EXECUTE ");
    if (when == std::string::npos || execute == std::string::npos || execute < when) return "";
    return definition.substr(when + 7, execute - when - 7);
}

void read_triggers(pqxx::dbtransaction& tx, LiveDatabase& db) {
    const std::string sql =
        "SELECT c.relname, t.tgname, t.tgtype, " + column_names("t.tgattr::int2[]", "t.tgrelid") +
        ", p.proname, pn.nspname IN ($1, 'pg_catalog'), encode(t.tgargs, 'hex'), pg_get_triggerdef(t.oid, true), "
        "t.tgenabled, "
        "t.tgconstraint <> 0 OR t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL, c.relkind "
        "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace "
        // TimescaleDB's own (ts_insert_blocker, the aggregates' invalidation triggers) are not the schema's.
        "WHERE n.nspname = $1 AND NOT t.tgisinternal AND pn.nspname NOT LIKE '\\_timescaledb%' ORDER BY 1, 2";
    for (const auto& r : bridge::exec(tx, sql, db.namespace_)) {
        LiveTriggerParts t;
        t.table = r[0].c_str();
        t.name = r[1].c_str();
        const int type = r[2].as<int>();
        t.row = type & 1;
        t.before = type & 2;
        for (const auto& [bit, event] :
             std::vector<std::pair<int, std::string>>{{4, "insert"}, {16, "update"}, {8, "delete"}, {32, "truncate"}})
            if (type & bit) t.events.push_back(event);
        t.update_of = parts(r[3]);
        t.function = r[4].c_str();
        t.args = trigger_arguments(r[6].c_str());
        t.definition = r[7].c_str();
        t.when = trigger_condition(t.definition);
        if (type & 64) t.unsupported = "it is an INSTEAD OF trigger";
        if (!r[5].as<bool>()) t.unsupported = "its function is in another schema";
        static const std::map<std::string, std::string> enabled{
            {"O", ""}, {"D", "DISABLE"}, {"R", "ENABLE REPLICA"}, {"A", "ENABLE ALWAYS"}};
        t.enabled_as = enabled.count(r[8].c_str()) ? enabled.at(r[8].c_str()) : "";
        if (!t.enabled_as.empty()) t.unsupported = "it is set to " + t.enabled_as;
        if (r[9].as<bool>()) t.unsupported = "it is a constraint trigger or has transition tables";
        if (r[10].c_str()[0] != 'r') t.unsupported = "it is on a view";
        db.triggers.push_back(std::move(t));
    }
}

void read_views(pqxx::dbtransaction& tx, LiveDatabase& db) {
    // A continuous aggregate is a view to PostgreSQL; TimescaleDB's catalog says which.
    const std::string not_aggregate =
        db.catalog.timescaledb_version.empty()
            ? ""
            : " AND NOT EXISTS (SELECT 1 FROM _timescaledb_catalog.continuous_agg a WHERE a.user_view_schema = "
              "n.nspname AND a.user_view_name = c.relname)";
    const std::string query =
        "SELECT c.relname, c.relkind = 'm', c.relispopulated, rtrim(pg_get_viewdef(c.oid, true), ';'), "
        "array_to_string(ARRAY(SELECT DISTINCT d.relname FROM pg_rewrite w JOIN pg_depend x ON x.objid = w.oid "
        "AND x.classid = 'pg_rewrite'::regclass JOIN pg_class d ON d.oid = x.refobjid AND d.oid <> c.oid AND "
        "d.relkind IN ('v', 'm') AND d.relnamespace = c.relnamespace WHERE w.ev_class = c.oid ORDER BY 1), chr(31)), "
        "coalesce(array_to_string(c.reloptions, ', '), '') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('v', "
        "'m')" +
        not_aggregate + kNotExtensions + " ORDER BY 1";
    for (const auto& r : bridge::exec(tx, query, db.namespace_)) {
        LiveView v;
        v.name = r[0].c_str();
        v.materialized = r[1].as<bool>();
        v.populated = r[2].as<bool>();
        v.definition = r[3].c_str();
        v.depends_on = parts(r[4]);
        v.options = r[5].c_str();
        if (!v.options.empty()) v.unsupported = "it has options (" + v.options + ")";
        db.views.push_back(std::move(v));
    }
}

void read_aggregate_queries(pqxx::dbtransaction& tx, LiveDatabase& db) {
    const std::string sql =
        "SELECT ca.user_view_name, rtrim(pg_get_viewdef(format('%I.%I', ca.direct_view_schema, "
        "ca.direct_view_name)::regclass, true), ';'), bf.bucket_origin, "
        "EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = format('%I.%I', mat.schema_name, "
        "mat.table_name)::regclass AND x.indnatts > 1) "
        "FROM _timescaledb_catalog.continuous_agg ca "
        "JOIN _timescaledb_catalog.hypertable mat ON mat.id = ca.mat_hypertable_id "
        "LEFT JOIN _timescaledb_catalog.continuous_aggs_bucket_function bf ON bf.mat_hypertable_id = "
        "ca.mat_hypertable_id WHERE ca.user_view_schema = $1 ORDER BY 1";
    for (const auto& r : bridge::exec(tx, sql, db.namespace_)) {
        LiveAggregateQuery a;
        a.name = r[0].c_str();
        a.query = r[1].c_str();
        if (!r[2].is_null()) a.origin = r[2].c_str();
        a.group_indexes = r[3].as<bool>();
        db.aggregate_queries.push_back(std::move(a));
    }
}

// Relations and types that have no form in the DSL at all.
void read_other_objects(pqxx::dbtransaction& tx, LiveDatabase& db) {
    const std::string sql =
        "SELECT CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' ELSE 'table' END, "
        "c.relname, CASE WHEN c.relkind = 'p' THEN 'the DSL has no declarative partitioning (a hypertable is "
        "TimescaleDB''s)' WHEN c.relkind = 'f' THEN 'the DSL has no foreign tables' WHEN c.relispartition THEN "
        "'it is a partition' WHEN c.relrowsecurity THEN 'it has row-level security' ELSE 'it inherits from another "
        "table' END FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND "
        "(c.relkind IN ('p', 'f') OR c.relispartition OR c.relrowsecurity OR (c.relkind = 'r' AND EXISTS (SELECT 1 "
        "FROM pg_inherits i WHERE i.inhrelid = c.oid)))" +
        std::string(kNotExtensions) +
        " UNION ALL SELECT CASE t.typtype WHEN 'c' THEN 'composite type' WHEN 'r' THEN 'range type' ELSE 'type' END, "
        "t.typname, 'the DSL has enums and domains, not this kind of type' FROM pg_type t JOIN pg_namespace n ON "
        "n.oid = t.typnamespace WHERE n.nspname = $1 AND (t.typtype = 'r' OR (t.typtype = 'c' AND EXISTS (SELECT 1 "
        "FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))) AND NOT EXISTS (SELECT 1 FROM pg_depend e "
        "WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e') "
        "UNION ALL SELECT CASE p.prokind WHEN 'a' THEN 'aggregate function' ELSE 'window function' END, "
        "p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', 'the DSL has no aggregate or window "
        "functions of its own' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 "
        "AND p.prokind IN ('a', 'w') AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = "
        "'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e') "
        "UNION ALL SELECT 'rule', r.rulename || ' on ' || c.relname, 'the DSL has no rules' FROM pg_rewrite r JOIN "
        "pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND "
        "r.rulename <> '_RETURN' "
        "UNION ALL SELECT 'row-level security policy', p.polname || ' on ' || c.relname, 'the DSL has no row-level "
        "security' FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE n.nspname = $1 "
        "UNION ALL SELECT 'statistics object', s.stxname, 'the DSL has no extended statistics' FROM "
        "pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE n.nspname = $1 ORDER BY 1, 2";
    for (const auto& r : bridge::exec(tx, sql, db.namespace_))
        db.other_objects.push_back({r[0].c_str(), r[1].c_str(), r[2].c_str()});
}

std::vector<std::string> granted_roles(pqxx::dbtransaction& tx, const std::string& ns) {
    std::vector<std::string> roles;
    const std::string sql =
        "SELECT DISTINCT g.rolname FROM (SELECT c.relacl AS acl, c.relowner AS owner FROM pg_class c JOIN "
        "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 UNION ALL SELECT p.proacl, p.proowner FROM "
        "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 UNION ALL SELECT nspacl, "
        "nspowner FROM pg_namespace WHERE nspname = $1) o, aclexplode(o.acl) a JOIN pg_roles g ON g.oid = "
        "a.grantee WHERE a.grantee <> o.owner ORDER BY 1";
    for (const auto& r : bridge::exec(tx, sql, ns)) roles.push_back(r[0].c_str());
    return roles;
}

}  // namespace

const LiveIndex* LiveDatabase::find_index(const std::string& name) const {
    for (const auto& i : indexes)
        if (i.name == name) return &i;
    return nullptr;
}

LiveDatabase read_live_database(connection& conn, const std::string& ns) {
    LiveDatabase db;
    db.namespace_ = ns;
    db.database = conn.dbname();
    {
        pqxx::read_transaction tx(conn);
        if (bridge::exec(tx, "SELECT 1 FROM pg_namespace WHERE nspname = $1", ns).empty())
            throw usage_error("the database has no schema (namespace) `" + ns + "`");
        db.roles = granted_roles(tx, ns);
    }
    db.catalog = detail::read_live_catalog(conn, ns, "hyperschema.schema_migrations", false, db.roles);
    pqxx::read_transaction tx(conn);
    // Deparsed SQL names the namespace's objects (and public's) unqualified,
    // as the YAML writes them, and intervals as people write them ('1 day').
    bridge::exec(tx, "SELECT set_config('search_path', $1, true), set_config('intervalstyle', 'postgres', true)",
                 tx.quote_name(ns) + ", public");
    read_indexes(tx, db);
    read_constraints(tx, db);
    read_routines(tx, db);
    read_triggers(tx, db);
    read_views(tx, db);
    if (!db.catalog.timescaledb_version.empty()) read_aggregate_queries(tx, db);
    read_other_objects(tx, db);
    return db;
}

}  // namespace hyperschema::pull
