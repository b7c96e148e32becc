#include "migrate/migrations.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "emit/identifiers.hpp"
#include "hyperschema/detail/sha256.hpp"
#include "hyperschema/migration.hpp"
#include "hyperschema/version.hpp"

namespace hyperschema::history {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> tracked_files(const History& h) {
    std::vector<std::string> files;
    for (const auto& m : h.migrations) {
        if (m.has_up) files.push_back(m.stem + ".up.sql");
        if (m.has_down) files.push_back(m.stem + ".down.sql");
    }
    if (h.snapshot) files.push_back(kSnapshotFile);
    return files;
}

}  // namespace

History read_history(const std::string& dir) {
    History h;
    h.dir = dir;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return h;
    // File names are short and fixed in shape, so std::regex cannot recurse deeply here.
    static const std::regex kMigration(R"((\d{4})_([a-z0-9_]+)\.(up|down)\.sql)");
    std::map<int, std::vector<MigrationFiles>> by_version;
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir, ec)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& file : names) {
        std::smatch m;
        if (file == kSnapshotFile || file == kSumFile) continue;
        if (file.size() > 200 || !std::regex_match(file, m, kMigration)) {
            h.problems.push_back("unexpected file " + file + " among the migrations");
            continue;
        }
        int version = std::stoi(m[1]);
        auto& list = by_version[version];
        auto it = std::find_if(list.begin(), list.end(), [&](const MigrationFiles& f) { return f.name == m[2]; });
        if (it == list.end()) {
            list.push_back({version, m[2], migration_stem(version, m[2]), false, false});
            it = list.end() - 1;
        }
        (m[3] == "up" ? it->has_up : it->has_down) = true;
    }
    int expected = 1;
    for (auto& [version, list] : by_version) {
        if (list.size() > 1) {
            h.problems.push_back("migration number " + migration_stem(version, "").substr(0, 4) + " is used by " +
                                 std::to_string(list.size()) + " migrations (" + list[0].stem + ", " + list[1].stem +
                                 ")");
        }
        if (version != expected) {
            h.problems.push_back(version > expected
                                     ? "migration " + migration_stem(expected, "").substr(0, 4) +
                                           " is missing (numbers must run 0001, 0002, ... without gaps)"
                                     : "migration number " + std::to_string(version) + " is out of order");
        }
        expected = version + 1;
        for (auto& f : list) {
            if (!f.has_up) h.problems.push_back(f.stem + ".up.sql is missing");
            if (!f.has_down) h.problems.push_back(f.stem + ".down.sql is missing");
            h.migrations.push_back(f);
        }
    }
    h.snapshot = read_file(fs::path(dir) / kSnapshotFile);
    h.sum = read_file(fs::path(dir) / kSumFile);
    return h;
}

std::string checksum_text(const std::string& dir, const History& history) {
    std::string lines;
    for (const auto& file : tracked_files(history)) {
        lines += file + " " + detail::sha256_hex(read_file(fs::path(dir) / file).value_or("")) + "\n";
    }
    return "h1 " + detail::sha256_hex(lines) + "\n" + lines;
}

std::vector<std::string> checksum_problems(const std::string& dir, const History& history) {
    std::vector<std::string> problems;
    if (!history.sum) {
        if (!history.migrations.empty()) problems.push_back(std::string(kSumFile) + " is missing");
        return problems;
    }
    std::map<std::string, std::string> recorded;
    std::istringstream in(*history.sum);
    std::string file, hash;
    while (in >> file >> hash) recorded[file] = hash;
    for (const auto& f : tracked_files(history)) {
        auto it = recorded.find(f);
        if (it == recorded.end()) {
            problems.push_back(f + " is not in " + kSumFile + " (added by hand?)");
        } else if (it->second != detail::sha256_hex(read_file(fs::path(dir) / f).value_or(""))) {
            problems.push_back(f + " was edited after it was generated (its checksum differs from " + kSumFile + ")");
        }
        if (it != recorded.end()) recorded.erase(it);
    }
    recorded.erase("h1");
    for (const auto& [f, h] : recorded)
        problems.push_back(f + " is in " + kSumFile + " but missing from the directory");
    if (problems.empty() && *history.sum != checksum_text(dir, history)) {
        problems.push_back(std::string(kSumFile) + " was edited (its total checksum does not match)");
    }
    return problems;
}

namespace {

void statements_of(const diff::Plan& plan, diff::Phase phase, std::string& out, bool& any) {
    bool search_path_set = false;
    for (size_t i = 0; i < plan.changes.size(); ++i) {
        const diff::Change& change = plan.changes[i];
        for (const auto& st : change.statements) {
            if (st.phase != phase) continue;
            if (phase == diff::Phase::Transaction && !plan.search_namespace.empty() && i >= plan.unqualified_from &&
                !search_path_set) {
                out += "\n-- Unqualified names are the namespace's, as in the YAML\nSET LOCAL search_path TO " +
                       emit::quote_ident(plan.search_namespace) + ", public;\n";
                search_path_set = true;
            }
            out += "\n-- " + change.summary + "\n" + st.sql;
            any = true;
        }
    }
}

}  // namespace

std::string render_statements(const diff::Plan& plan) {
    std::string before, inside, after, out;
    bool any_before = false, any_inside = false, any_after = false;
    statements_of(plan, diff::Phase::BeforeTransaction, before, any_before);
    statements_of(plan, diff::Phase::Transaction, inside, any_inside);
    statements_of(plan, diff::Phase::AfterTransaction, after, any_after);
    if (any_before) out += "\n" + std::string(kNoTransactionMarker) + "\n" + before;
    if (any_inside) out += "\nBEGIN;\n" + inside + "\nCOMMIT;\n";
    if (any_after) out += "\n" + std::string(kNoTransactionMarker) + "\n" + after;
    return out;
}

std::string render_migration(const diff::Plan& plan, const std::string& schema, const std::string& stem, bool up,
                             const std::vector<std::string>& irreversible) {
    std::string out = "-- Migration " + stem + " (" + (up ? "up" : "down") + ") of schema \"" + schema +
                      "\", generated by hyperschema " + kVersion + ".\n" +
                      "-- Do not edit: hyperschema.sum records its checksum. Apply with psql -v ON_ERROR_STOP=1 -f.\n";
    out += "--\n-- Changes:\n";
    for (const auto& c : plan.changes) out += "--   " + c.summary + "\n";
    bool risk = false;
    for (const auto& c : plan.changes) {
        if (c.data_at_risk.empty()) continue;
        if (!risk) out += "--\n-- Data at risk:\n";
        risk = true;
        out += "--   " + c.data_at_risk + "\n";
    }
    if (!irreversible.empty()) {
        out += "--\n-- This migration cannot give back what the " + std::string(up ? "down" : "up") +
               " migration removed:\n";
        for (const auto& i : irreversible) out += "--   " + i + "\n";
    }
    return out + render_statements(plan);
}

std::optional<std::string> migration_name(const std::string& raw, std::string* why) {
    std::string name;
    for (char c : raw) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (c == '_' || c == '-' || c == ' ') {
            name += '_';
        } else {
            *why = "migration names use letters, digits, `_` and `-` (got `" + raw + "`)";
            return std::nullopt;
        }
    }
    if (name.empty() || name.size() > 60) {
        *why = "a migration name is 1 to 60 characters, e.g. `add_device_site`";
        return std::nullopt;
    }
    return name;
}

}  // namespace hyperschema::history
