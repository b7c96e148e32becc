// hyperschema: the command-line front end. Exit codes: 0 ok, 1 the check found
// a problem (invalid schema, stale output), 2 usage or I/O error.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "emit/schema_sql.hpp"
#include "hyperschema/version.hpp"
#include "pipeline/compile.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;

namespace {

constexpr int kOk = 0, kProblem = 1, kUsage = 2;

const char* kUsageText = R"(usage: hyperschema <command> [options] [DIR...]

commands:
  validate [DIR...]            check schemas and report every error and warning
  sql [DIR]                    print the SQL that creates the schema in an empty database
  generate [DIR...] --out OUT  write OUT/<schema>/schema.sql (only files whose content changed)
  generate --check ...         write nothing; exit 1 if any generated file is missing or stale

DIR is a schema directory (its *.yaml files form one schema) or a directory of
schema directories such as schemas/. It defaults to the current directory.

options:
  --werror     treat warnings as errors
  --version    print the version
  -h, --help   print this help

exit codes: 0 ok, 1 invalid schema or stale output, 2 usage or I/O error
)";

struct Options {
    std::string command;
    std::vector<std::string> paths;
    std::string out;
    bool werror = false;
    bool check = false;
};

bool parse_args(int argc, char** argv, Options& o, std::string& error) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--werror") {
            o.werror = true;
        } else if (a == "--check") {
            o.check = true;
        } else if (a == "--out" || a == "-o") {
            if (++i >= argc) {
                error = a + " needs a directory";
                return false;
            }
            o.out = argv[i];
        } else if (a.rfind("--out=", 0) == 0) {
            o.out = a.substr(6);
        } else if (!a.empty() && a[0] == '-') {
            error = "unknown option " + a;
            return false;
        } else if (o.command.empty()) {
            o.command = a;
        } else {
            o.paths.push_back(a);
        }
    }
    if (o.paths.empty()) o.paths.push_back(".");
    return true;
}

// Compiles every schema under the given paths, printing diagnostics.
// Returns the exit code so far; fills `results` with the valid schemas.
int compile_all(const Options& o, std::vector<CompileResult>& results) {
    int code = kOk;
    for (const auto& path : o.paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            std::cerr << "hyperschema: error: " << path << " is not a directory\n";
            return kUsage;
        }
        auto dirs = find_schema_directories(path);
        if (dirs.empty()) {
            std::cerr << "hyperschema: error: no schema in " << path
                      << " (no *.yaml files in it or its subdirectories)\n";
            return kUsage;
        }
        for (const auto& dir : dirs) {
            CompileResult r = compile_directory(dir);
            if (o.werror) r.diags.promote_warnings();
            std::cerr << r.diags.format();
            if (r.io_error) return kUsage;
            if (!r.ok()) code = kProblem;
            results.push_back(std::move(r));
        }
    }
    return code;
}

int summarize(const std::vector<CompileResult>& results) {
    int errors = 0, warnings = 0;
    for (const auto& r : results) {
        errors += r.diags.error_count();
        warnings += r.diags.warning_count();
    }
    if (errors || warnings) {
        std::cerr << errors << " error(s), " << warnings << " warning(s)\n";
    }
    return errors ? kProblem : kOk;
}

int run_validate(const Options& o) {
    std::vector<CompileResult> results;
    int code = compile_all(o, results);
    if (code == kUsage) return code;
    for (const auto& r : results) {
        if (r.ok()) std::cout << r.schema.directory << ": ok (" << r.schema.name << ")\n";
    }
    return std::max(code, summarize(results));
}

int run_sql(const Options& o) {
    if (o.paths.size() != 1) {
        std::cerr << "hyperschema: error: sql takes one schema directory\n";
        return kUsage;
    }
    std::vector<CompileResult> results;
    int code = compile_all(o, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (results.size() != 1) {
        std::cerr << "hyperschema: error: " << o.paths[0] << " holds " << results.size()
                  << " schemas; name one of them\n";
        return kUsage;
    }
    std::cout << emit::schema_sql(results[0].schema);
    return kOk;
}

std::string read_file(const fs::path& path, bool& exists) {
    std::ifstream in(path, std::ios::binary);
    exists = static_cast<bool>(in);
    std::ostringstream text;
    if (exists) text << in.rdbuf();
    return text.str();
}

// Writes only when the content differs, so unchanged outputs keep their
// mtime and builds that depend on them do not rerun.
int write_if_changed(const fs::path& path, const std::string& content, bool check, bool& stale) {
    bool exists = false;
    if (read_file(path, exists) == content && exists) return kOk;
    stale = true;
    if (check) {
        std::cerr << path.string() << ": " << (exists ? "out of date" : "missing") << "\n";
        return kOk;
    }
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
        std::cerr << "hyperschema: error: cannot write " << path.string() << "\n";
        return kUsage;
    }
    std::cout << "wrote " << path.string() << "\n";
    return kOk;
}

int run_generate(const Options& o) {
    if (o.out.empty()) {
        std::cerr << "hyperschema: error: generate needs --out DIR\n";
        return kUsage;
    }
    std::vector<CompileResult> results;
    int code = compile_all(o, results);
    if (code != kOk) return std::max(code, summarize(results));
    bool stale = false;
    for (const auto& r : results) {
        fs::path target = fs::path(o.out) / r.schema.name / "schema.sql";
        int written = write_if_changed(target, emit::schema_sql(r.schema), o.check, stale);
        if (written != kOk) return written;
    }
    if (o.check && stale) {
        std::cerr << "generated files are out of date; run: hyperschema generate";
        for (const auto& p : o.paths) std::cerr << " " << p;
        std::cerr << " --out " << o.out << "\n";
        return kProblem;
    }
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::string error;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--version") {
            std::cout << "hyperschema " << kVersion << "\n";
            return kOk;
        }
        if (a == "-h" || a == "--help") {
            std::cout << kUsageText;
            return kOk;
        }
    }
    if (!parse_args(argc, argv, o, error) || o.command.empty()) {
        std::cerr << "hyperschema: error: " << (error.empty() ? "missing command" : error) << "\n" << kUsageText;
        return kUsage;
    }
    try {
        if (o.command == "validate") return run_validate(o);
        if (o.command == "sql") return run_sql(o);
        if (o.command == "generate") return run_generate(o);
    } catch (const std::exception& e) {
        std::cerr << "hyperschema: internal error: " << e.what() << "\n";
        return kUsage;
    }
    std::cerr << "hyperschema: error: unknown command `" << o.command << "`\n" << kUsageText;
    return kUsage;
}
