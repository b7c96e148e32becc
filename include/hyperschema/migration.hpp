#pragma once

// A migration as the runtime sees it: its number, name, checksum and the up
// and down SQL, split into what runs inside one transaction and what must run
// outside it (marked `-- hyperschema:no-transaction` by the generator).

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hyperschema/detail/sha256.hpp"
#include "hyperschema/error.hpp"

namespace hyperschema {

struct Script {
    std::vector<std::string> before;  // statements run one by one before the transaction
    std::string transaction;          // run as one transaction (may be empty)
    std::vector<std::string> after;   // statements run one by one after it

    bool empty() const { return before.empty() && transaction.empty() && after.empty(); }
};

struct Migration {
    int version = 0;
    std::string name;
    std::string up;
    std::string down;
    // The checksum the generator recorded when it embedded the migration in
    // a header ("" for migrations read from files): the migrator refuses a
    // migration whose text no longer matches it.
    std::string recorded_checksum;
    // SHA-256 of the up file, as recorded in hyperschema.sum.
    std::string checksum() const { return detail::sha256_hex(up); }
};

// "0002_add_site": the file stem of a migration, zero-padded to four digits.
inline std::string migration_stem(int version, const std::string& name) {
    char number[16];
    std::snprintf(number, sizeof number, "%04d", version);
    return std::string(number) + "_" + name;
}

namespace detail {

inline std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace detail

// A migration step that is a backfill: this marker, then the definition as
// JSON on the same line, then the statement psql runs in its place (the whole
// key range at once).
inline constexpr const char* kBackfillMarker = "-- hyperschema:backfill ";

// Splits a generated migration (or schema.sql) into its parts. Statements
// outside the transaction are one per line-ending `;` (the generator writes
// each such statement on its own), comments dropped.
inline Script parse_script(const std::string& sql) {
    Script script;
    enum class Mode { Header, OutsideBefore, Inside, OutsideAfter } mode = Mode::Header;
    bool seen_transaction = false;
    std::istringstream lines(sql);
    std::string line, pending;
    auto flush = [&](std::vector<std::string>& into) {
        if (!detail::trim(pending).empty()) into.push_back(detail::trim(pending));
        pending.clear();
    };
    while (std::getline(lines, line)) {
        const std::string t = detail::trim(line);
        if (t == "-- hyperschema:no-transaction") {
            mode = seen_transaction ? Mode::OutsideAfter : Mode::OutsideBefore;
            continue;
        }
        if (mode != Mode::Inside && t == "BEGIN;") {
            mode = Mode::Inside;
            seen_transaction = true;
            continue;
        }
        if (mode == Mode::Inside && t == "COMMIT;") {
            mode = Mode::Header;
            continue;
        }
        if (mode == Mode::Inside) {
            script.transaction += line + "\n";
            continue;
        }
        // A backfill step: its definition line stays with the statement
        // below it (psql runs that statement; the migrator runs the backfill).
        if (mode != Mode::Header && t.rfind(kBackfillMarker, 0) == 0) {
            pending += t + "\n";
            continue;
        }
        if (mode == Mode::Header || t.empty() || t.rfind("--", 0) == 0) continue;
        pending += line + "\n";
        if (t.back() == ';') flush(mode == Mode::OutsideBefore ? script.before : script.after);
    }
    if (!detail::trim(pending).empty()) throw error("unterminated statement at the end of a migration: " + pending);
    if (detail::trim(script.transaction).empty()) script.transaction.clear();
    return script;
}

// Reads NNNN_name.up.sql / .down.sql from a migrations directory, by number.
inline std::vector<Migration> load_migrations(const std::filesystem::path& dir) {
    std::vector<Migration> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw error("no migrations directory " + dir.string());
    auto read = [](const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        if (!in) throw error("cannot read " + p.string());
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    };
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string file = entry.path().filename().string();
        const std::string suffix = ".up.sql";
        if (file.size() < 6 + suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        if (!std::all_of(file.begin(), file.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) || file[4] != '_')
            continue;
        Migration m;
        m.version = std::stoi(file.substr(0, 4));
        m.name = file.substr(5, file.size() - 5 - suffix.size());
        m.up = read(entry.path());
        m.down = read(dir / (file.substr(0, file.size() - suffix.size()) + ".down.sql"));
        out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    for (size_t i = 0; i < out.size(); ++i) {
        if (out[i].version != static_cast<int>(i) + 1)
            throw error("migrations in " + dir.string() + " are not numbered 1.." + std::to_string(out.size()) +
                        " without gaps or duplicates");
    }
    return out;
}

}  // namespace hyperschema
