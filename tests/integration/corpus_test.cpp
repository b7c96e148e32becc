// The corpus of tests/corpus/: schemas a user could write, each a single file
// that says in its header comments what the compiler and the server make of it.
//
//   rejected/<family>/<case>.yaml   the compiler's first error is at `# error:
//                                   LINE:COL text`, and the SQL it would have
//                                   written, applied to a real PostgreSQL /
//                                   TimescaleDB, fails with the SQLSTATE of
//                                   `# server:` (after `# probe:` SQL, for what
//                                   fails only on insert or delete), so the
//                                   corpus cannot drift from the server's truth.
//                                   `# server: none` is for what never reaches
//                                   SQL (YAML mistakes).
//   accepted/<case>.yaml            validates without errors, applies, and its
//                                   `# probe:` SQL runs.
//
// A case that needs TimescaleDB is skipped by name where it is not installed.

#include "support/catch.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>

#include "hyperschema/connection.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

struct CorpusCase {
    std::string name;  // family/case
    std::string text;
    std::map<std::string, std::string> header;  // error, server, probe
};

std::vector<CorpusCase> corpus(const std::string& part) {
    std::vector<CorpusCase> out;
    const fs::path root = source_path("tests/corpus/" + part);
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".yaml") continue;
        CorpusCase c;
        c.name = fs::relative(entry.path(), root).replace_extension().string();
        c.text = read_text(entry.path().string());
        static const std::regex kHeader(R"(^# (error|server|probe): (.*)$)");
        std::istringstream lines(c.text);
        for (std::string line; std::getline(lines, line);) {
            std::smatch m;
            if (std::regex_match(line, m, kHeader)) c.header[m[1]] = m[2];
        }
        out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(), [](const CorpusCase& a, const CorpusCase& b) { return a.name < b.name; });
    return out;
}

CompileResult compile_case(const CorpusCase& c) {
    return compile_texts({{"schema.yaml", c.text}}, "corpus");
}

// The server's answer to the case's SQL (and probe): "" when it ran, else
// psql's output, whose ERROR line carries the SQLSTATE (VERBOSITY verbose).
struct ServerAnswer {
    bool skipped = false;
    bool ok = false;
    std::string output;
};

// A database with TimescaleDB already created (where it is installed): each
// case's database is a copy of it, which is faster than creating the
// extension 80 times.
const std::string& corpus_template() {
    static const std::string name = [] {
        auto& pg = PgCluster::shared();
        const std::string db = pg.create_database("corpus_template");
        if (pg.has_timescaledb()) {
            auto conn = hyperschema::connect(pg.dsn(db));
            pqxx::work tx(conn);
            tx.exec("CREATE EXTENSION timescaledb");
            tx.commit();
        }
        return db;
    }();
    return name;
}

ServerAnswer apply_to_server(const CorpusCase& c, const Schema& schema) {
    auto& pg = PgCluster::shared();
    const std::string sql = history::schema_sql(schema);
    if (sql.find("timescaledb") != std::string::npos && !pg.has_timescaledb()) {
        SkippedTimescaleTests::record("corpus case " + c.name);
        return {true, false, ""};
    }
    for (const auto& e : schema.extensions) {
        if (e.name == "postgis" && !pg.has_extension(e.name)) {  // optional, unlike contrib
            std::fprintf(stderr, "SKIPPED (extension postgis not installed): corpus case %s\n", c.name.c_str());
            return {true, false, ""};
        }
    }
    std::string script = "\\set VERBOSITY verbose\n" + sql;
    if (c.header.count("probe")) script += c.header.at("probe") + ";\n";
    const std::string path =
        (fs::temp_directory_path() / ("hyperschema-corpus-" + std::to_string(::getpid()) + ".sql")).string();
    write_text(path, script);
    const std::string db = pg.create_database_from(corpus_template(), "corpus");
    ServerAnswer answer;
    answer.ok = pg.psql_file(db, path, &answer.output) == 0;
    fs::remove(path);
    pg.drop_database(db);
    return answer;
}

std::optional<Diagnostic> first_error(const CompileResult& r) {
    for (const auto& d : r.diags.sorted()) {
        if (d.severity == Severity::Error) return d;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("every rejected input of the corpus is reported at its place, and the server rejects it too",
          "[pg][corpus]") {
    const auto cases = corpus("rejected");
    REQUIRE(cases.size() >= 40);
    std::map<std::string, int> per_family;
    for (const auto& c : cases) {
        INFO("case " << c.name);
        ++per_family[c.name.substr(0, c.name.find('/'))];
        REQUIRE(c.header.count("error"));
        REQUIRE(c.header.count("server"));
        const CompileResult result = compile_case(c);
        const std::optional<Diagnostic> error = first_error(result);
        INFO(result.diags.format());
        if (error) {
            const std::string& expected = c.header.at("error");
            const std::string at = std::to_string(error->loc.line) + ":" + std::to_string(error->loc.column);
            CHECK(expected.substr(0, expected.find(' ')) == at);
            CHECK(error->message.find(expected.substr(expected.find(' ') + 1)) != std::string::npos);
        } else {
            FAIL_CHECK("the compiler accepts it");
        }

        const std::string& sqlstate = c.header.at("server");
        if (sqlstate == "none") continue;
        const ServerAnswer answer = apply_to_server(c, result.schema);
        if (answer.skipped) continue;
        INFO("the server says: " << answer.output);
        CHECK_FALSE(answer.ok);
        CHECK(answer.output.find("ERROR:  " + sqlstate + ":") != std::string::npos);
    }
    for (const auto& [family, count] : per_family) {
        INFO("family " << family);
        CHECK(count >= 10);
    }
}

TEST_CASE("every accepted input of the corpus validates and applies", "[pg][corpus]") {
    const auto cases = corpus("accepted");
    REQUIRE(cases.size() >= 10);
    for (const auto& c : cases) {
        INFO("case " << c.name);
        const CompileResult result = compile_case(c);
        INFO(result.diags.format());
        REQUIRE(!result.diags.has_errors());
        const ServerAnswer answer = apply_to_server(c, result.schema);
        if (answer.skipped) continue;
        INFO("the server says: " << answer.output);
        CHECK(answer.ok);
    }
}
