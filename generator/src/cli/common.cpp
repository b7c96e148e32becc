#include "cli/common.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

namespace fs = std::filesystem;

namespace hyperschema::cli {

namespace {

std::string colour_when = "auto";

std::string prefix(const char* word, const char* colour) {
    if (!colour_on_stderr()) return std::string("hyperschema: ") + word + ": ";
    return std::string("\033[1mhyperschema:\033[0m ") + colour + word + ":\033[0m ";
}

}  // namespace

bool set_colour(const std::string& when) {
    if (when != "auto" && when != "always" && when != "never") return false;
    colour_when = when;
    return true;
}

bool colour_on_stderr() {
    if (colour_when != "auto") return colour_when == "always";
    static const bool on = [] {
        const char* no_colour = std::getenv("NO_COLOR");
        const char* term = std::getenv("TERM");
        return (no_colour == nullptr || *no_colour == '\0') && isatty(STDERR_FILENO) &&
               !(term != nullptr && std::string(term) == "dumb");
    }();
    return on;
}

std::string error_prefix() {
    return prefix("error", "\033[1;31m");
}
std::string refused_prefix() {
    return prefix("refused", "\033[1;31m");
}
std::string warning_prefix() {
    return prefix("warning", "\033[1;35m");
}

// Progress on a terminal a person watches: a live line, cleared before
// other output; elsewhere (CI, a pipe) timestamped lines.
bool interactive() {
    return isatty(STDERR_FILENO) && !std::getenv("CI");
}

std::function<void(const std::string&)> step_progress_printer() {
    if (interactive()) {
        return [](const std::string& line) {
            std::string shown = line.substr(0, 110);
            std::cerr << "\r\033[K" << shown << std::flush;
        };
    }
    return [](const std::string& line) {
        const std::time_t now = std::time(nullptr);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
        std::cerr << stamp << " " << line << "\n" << std::flush;
    };
}

void clear_live_line() {
    if (interactive()) std::cerr << "\r\033[K" << std::flush;
}

std::function<void(const std::string&)> log_printer() {
    return [](const std::string& line) {
        clear_live_line();
        std::cout << line << "\n" << std::flush;
    };
}

int compile_all(const Options& o, const std::vector<std::string>& paths_in, std::vector<CompileResult>& results) {
    std::vector<std::string> paths = paths_in.empty() ? std::vector<std::string>{"."} : paths_in;
    int code = kOk;
    for (const auto& path : paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            std::cerr << error_prefix() << path << " is not a directory\n";
            return kUsage;
        }
        auto dirs = find_schema_directories(path);
        if (dirs.empty()) {
            std::cerr << error_prefix() << "no schema in " << path
                      << " (no *.yaml files in it or its subdirectories)\n";
            return kUsage;
        }
        for (const auto& dir : dirs) {
            CompileResult r = compile_directory(dir);
            if (o.werror) r.diags.promote_warnings();
            std::cerr << r.diags.format(colour_on_stderr());
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
    if (errors || warnings) std::cerr << errors << " error(s), " << warnings << " warning(s)\n";
    return errors ? kProblem : kOk;
}

std::string migrations_dir(const Options& o, const Schema& schema) {
    if (!o.migrations_dir.empty()) return o.migrations_dir;
    return (fs::path(o.out) / schema.name / "migrations").string();
}

bool one_history(const Options& o, const std::vector<CompileResult>& results) {
    if (o.migrations_dir.empty() || results.size() == 1) return true;
    std::cerr << error_prefix() << "--migrations names the history of one schema; name one schema directory\n";
    return false;
}

bool read_file(const std::string& path, std::string& text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    return true;
}

int write_if_changed(const std::string& path, const std::string& content, bool check, bool& stale) {
    std::string existing;
    bool exists = read_file(path, existing);
    if (exists && existing == content) return kOk;
    stale = true;
    if (check) {
        std::cerr << path << ": " << (exists ? "out of date" : "missing") << "\n";
        return kOk;
    }
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    // Written beside and renamed into place, so a build reading the file
    // concurrently never sees half of it.
    const std::string temporary = path + ".tmp";
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (out) fs::rename(temporary, path, ec);
    if (!out || ec) {
        fs::remove(temporary, ec);
        std::cerr << error_prefix() << "cannot write " << path << "\n";
        return kUsage;
    }
    std::cout << "wrote " << path << "\n";
    return kOk;
}

}  // namespace hyperschema::cli
