#pragma once

// A migration as the runtime sees it: its number, name, checksum and the up
// and down SQL, split into what runs inside one transaction and what must run
// outside it (marked `-- hyperschema:no-transaction` by the generator).

#include <algorithm>
#include <cctype>
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

// Whether a line leaves SQL text inside a quote: a string ('...', E'...'
// with backslash escapes), a quoted identifier ("..."), a block comment or a
// dollar quote ($tag$...$tag$, the body of a DO block or a function). `open`
// is what the line starts in ("" for nothing, "'", "E'", "\"", "/*" or the
// dollar tag) and becomes what it ends in; `--` starts a comment outside them.
inline void follow_quotes(const std::string& line, std::string& open) {
    auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (open == "'" || open == "E'") {
            if (open == "E'" && c == '\\') {
                ++i;
            } else if (c == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
                ++i;
            } else if (c == '\'') {
                open.clear();
            }
        } else if (open == "\"") {
            if (c == '"') open.clear();  // "" inside is a closing and an opening
        } else if (open == "/*") {
            if (line.compare(i, 2, "*/") == 0) open.clear(), ++i;
        } else if (!open.empty()) {
            if (line.compare(i, open.size(), open) == 0) {
                i += open.size() - 1;
                open.clear();
            }
        } else if (line.compare(i, 2, "--") == 0) {
            return;
        } else if (line.compare(i, 2, "/*") == 0) {
            open = "/*";
            ++i;
        } else if (c == '\'') {
            const bool escape =
                i > 0 && (line[i - 1] == 'E' || line[i - 1] == 'e') && (i < 2 || !word_char(line[i - 2]));
            open = escape ? "E'" : "'";
        } else if (c == '"') {
            open = "\"";
        } else if (c == '$' && (i == 0 || !word_char(line[i - 1]))) {
            size_t end = i + 1;
            while (end < line.size() && (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_'))
                ++end;
            // $1 is a parameter, not a quote.
            const bool tag = end < line.size() && line[end] == '$' &&
                             (end == i + 1 || !std::isdigit(static_cast<unsigned char>(line[i + 1])));
            if (tag) {
                open = line.substr(i, end - i + 1);
                i = end;
            }
        }
    }
}

}  // namespace detail

// A migration step that is a backfill: this marker, then the definition as
// JSON on the same line, then the statement psql runs in its place (the whole
// key range at once).
inline constexpr const char* kBackfillMarker = "-- hyperschema:backfill ";

// Splits a generated migration (or schema.sql) into its parts. Statements
// outside the transaction are one per line-ending `;` outside quotes (the
// generator writes each such statement on its own; a DO block is one),
// comment lines dropped.
inline Script parse_script(const std::string& sql) {
    Script script;
    enum class Mode { Header, OutsideBefore, Inside, OutsideAfter } mode = Mode::Header;
    bool seen_transaction = false;
    std::istringstream lines(sql);
    std::string line, pending, quote;
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
        if (mode == Mode::Header || (quote.empty() && (t.empty() || t.rfind("--", 0) == 0))) continue;
        pending += line + "\n";
        detail::follow_quotes(line, quote);
        if (quote.empty() && !t.empty() && t.back() == ';')
            flush(mode == Mode::OutsideBefore ? script.before : script.after);
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
