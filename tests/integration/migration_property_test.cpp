// The migration property test, against a real database: for schema versions
// v01..v16 (tests/evolution), applying migrations 1..N one by one gives the
// same database as applying the full SQL of version N to an empty one, for
// every N; the down migrations N..1 then leave nothing behind; and going up
// again gives the same database once more.

#include "support/catch.hpp"

#include <algorithm>
#include <filesystem>
#include <pqxx/pqxx>

#include <regex>
#include <sstream>
#include "hyperschema/connection.hpp"

#include "diff/diff.hpp"
#include "integration/catalog.hpp"
#include "migrate/migrations.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

std::vector<Schema> load_versions() {
    std::vector<Schema> out;
    const fs::path dir = source_path("tests/evolution");
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        CompileResult r = compile_texts({{f, read_text((dir / f).string())}}, "evolution");
        INFO(f << "\n" << r.diags.format());
        REQUIRE(r.ok());
        out.push_back(r.schema);
    }
    return out;
}

std::string temp_file(const std::string& name, const std::string& text) {
    std::string path =
        (fs::temp_directory_path() / ("hyperschema-prop-" + std::to_string(::getpid()) + "-" + name)).string();
    write_text(path, text);
    return path;
}

void apply_sql(const std::string& db, const std::string& name, const std::string& sql) {
    std::string path = temp_file(name, sql), output;
    int status = PgCluster::shared().psql_file(db, path, &output);
    fs::remove(path);
    INFO(name << ":\n" << sql << "\n" << output);
    REQUIRE(status == 0);
}

// pg_dump output made comparable: numbering TimescaleDB assigns per database
// is replaced, and statements (and the column lines of each table) are sorted,
// because a migrated database adds columns and objects in a different order.
std::string canonical_dump(const std::string& db) {
    auto& pg = PgCluster::shared();
    std::string file = temp_file(db + ".dump", "");
    std::string output;
    int status =
        run_command({pg.bin_dir() + "/pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-h", pg.host(), "-p",
                     std::to_string(pg.port()), "-U", "postgres", "-n", "public", "-f", file, db},
                    &output);
    INFO(output);
    REQUIRE(status == 0);
    std::string text = read_text(file);
    fs::remove(file);
    static const std::regex kNumbered(
        R"((_materialized_hypertable_|cagg_watermark\(|_hyper_|_partial_view_|_direct_view_)\d+)");
    text = std::regex_replace(text, kNumbered, "$1N");
    std::vector<std::string> statements;
    std::istringstream lines(text);
    std::string line, current;
    while (std::getline(lines, line)) {
        if (line.empty() || line.rfind("--", 0) == 0 || line.rfind("SET ", 0) == 0 ||
            line.rfind("SELECT pg_catalog.set_config", 0) == 0 || line.rfind("\\restrict", 0) == 0 ||
            line.rfind("\\unrestrict", 0) == 0)
            continue;
        current += line + "\n";
        if (!line.empty() && line.back() == ';') {
            statements.push_back(current);
            current.clear();
        }
    }
    for (auto& s : statements) {
        if (s.rfind("CREATE TABLE", 0) != 0) continue;
        std::vector<std::string> columns;
        std::istringstream body(s);
        std::string head, l;
        std::getline(body, head);
        while (std::getline(body, l)) {
            if (l == ");") break;
            if (!l.empty() && l.back() == ',') l.pop_back();
            columns.push_back(l);
        }
        std::sort(columns.begin(), columns.end());
        s = head + "\n";
        for (const auto& c : columns) s += c + "\n";
        s += ");\n";
    }
    std::sort(statements.begin(), statements.end());
    std::string out;
    for (const auto& s : statements) out += s;
    return out;
}

// What pg_dump does not show: TimescaleDB's view of dimensions, aggregates,
// compression settings and jobs, with per-database ids left out.
std::string timescale_state(const std::string& db) {
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    pqxx::work tx(conn);
    std::string out;
    if (tx.exec("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")[0][0].as<int>() == 0) return out;
    // Migrations never drop the timescaledb extension, so an empty state is
    // the same with or without it.
    auto add = [&](const std::string& title, const std::string& sql) {
        auto rows = tx.exec(sql);
        if (rows.empty()) return;
        out += "## " + title + "\n";
        for (const auto& row : rows) {
            for (const auto& field : row) out += std::string(field.is_null() ? "NULL" : field.c_str()) + " | ";
            out += "\n";
        }
    };
    add("dimensions",
        "SELECT hypertable_name, column_name, dimension_type, time_interval, num_partitions FROM "
        "timescaledb_information.dimensions WHERE hypertable_schema = 'public' ORDER BY 1, 2");
    add("aggregates",
        "SELECT view_name, materialized_only, compression_enabled FROM timescaledb_information.continuous_aggregates "
        "ORDER BY 1");
    add("compression",
        "SELECT coalesce(a.view_name, s.hypertable_name), s.attname, s.segmentby_column_index, s.orderby_column_index, "
        "s.orderby_asc, s.orderby_nullsfirst FROM timescaledb_information.compression_settings s "
        "LEFT JOIN timescaledb_information.continuous_aggregates a ON a.materialization_hypertable_name = "
        "s.hypertable_name "
        "ORDER BY 1, 2");
    add("jobs",
        "SELECT hypertable_name, proc_name, schedule_interval, config - 'hypertable_id' - 'mat_hypertable_id' "
        "FROM timescaledb_information.jobs WHERE job_id >= 1000 ORDER BY 1, 2");
    return out;
}

std::string fingerprint(const std::string& db) {
    return canonical_dump(db) + timescale_state(db);
}

int user_objects(const std::string& db) {
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    pqxx::work tx(conn);
    return tx.exec(
                 "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
                 "'public' "
                 "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') "
                 "UNION ALL SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                 "WHERE n.nspname = 'public' AND t.typtype = 'e'")[0][0]
               .as<int>() +
           tx.exec(
                 "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                 "WHERE n.nspname = 'public' AND t.typtype = 'e'")[0][0]
               .as<int>();
}

struct Migration {
    std::string up, down;
};

std::vector<Migration> migrations_for(const std::vector<Schema>& versions) {
    std::vector<Migration> out;
    Schema empty;
    empty.name = "evolution";
    for (size_t i = 0; i < versions.size(); ++i) {
        const Schema& from = i == 0 ? empty : versions[i - 1];
        diff::Plan up = diff::diff_schemas(from, versions[i], diff::Direction::Up);
        diff::Plan down = diff::diff_schemas(versions[i], from, diff::Direction::Down);
        INFO("version " << i + 1);
        REQUIRE(up.unsupported.empty());
        REQUIRE_FALSE(up.changes.empty());
        const std::string stem = "v" + std::to_string(i + 1);
        out.push_back({history::render_migration(up, "evolution", stem, true, {}),
                       history::render_migration(down, "evolution", stem, false, {})});
    }
    return out;
}

}  // namespace

TEST_CASE("migrations 1..N equal the full SQL of version N, and go down to nothing and up again",
          "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const auto versions = load_versions();
    REQUIRE(versions.size() >= 15);
    const auto migrations = migrations_for(versions);
    auto& pg = PgCluster::shared();
    const std::string migrated = pg.create_database("migrated");
    std::vector<std::string> expected;  // fingerprint of each version, built from scratch
    for (size_t n = 0; n < versions.size(); ++n) {
        INFO("version " << n + 1);
        apply_sql(migrated, "up" + std::to_string(n + 1), migrations[n].up);
        const std::string fresh = pg.create_database("fresh");
        apply_sql(fresh, "full" + std::to_string(n + 1), history::schema_sql(versions[n]));
        expected.push_back(fingerprint(fresh));
        pg.drop_database(fresh);
        CHECK(fingerprint(migrated) == expected.back());
        auto conn = hyperschema::connect(pg.dsn(migrated));
        CHECK(drift_of(conn, versions[n]) == "");
    }
    for (size_t n = versions.size(); n-- > 0;) {
        INFO("down from version " << n + 1);
        if (n > 0) {
            apply_sql(migrated, "down" + std::to_string(n + 1), migrations[n].down);
            CHECK(fingerprint(migrated) == expected[n - 1]);
        } else {
            apply_sql(migrated, "down1", migrations[0].down);
        }
    }
    CHECK(user_objects(migrated) == 0);
    for (size_t n = 0; n < versions.size(); ++n) {
        INFO("up again to version " << n + 1);
        apply_sql(migrated, "again" + std::to_string(n + 1), migrations[n].up);
    }
    CHECK(fingerprint(migrated) == expected.back());
}
