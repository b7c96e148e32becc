#pragma once

// Helpers that read YAML nodes into values while reporting, with the node's
// position, every wrong type, unknown key and duplicate key.

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "diag/diagnostics.hpp"
#include "model/interval.hpp"

namespace hyperschema::parse {

struct ParseContext {
    std::string file;
    Diagnostics& diags;
};

SourceLocation location_of(const ParseContext& ctx, const YAML::Node& node);

std::string node_kind(const YAML::Node& node);  // "a mapping", "a list", ... for messages

// A scalar as text; reports "expected <what>" otherwise.
std::optional<std::string> read_scalar(ParseContext& ctx, const YAML::Node& node, const std::string& what);
std::optional<bool> read_bool(ParseContext& ctx, const YAML::Node& node, const std::string& what);
std::optional<int> read_int(ParseContext& ctx, const YAML::Node& node, const std::string& what, int min, int max);
// A positive interval; with allow_zero also `0 days` (a refresh end_offset).
// A time amount (TimeAmount::Allowed) may also be a whole number, in the
// units of an integer time column; the validator checks which the relation needs.
enum class TimeAmount { Refused, Allowed };
std::optional<Interval> read_interval(ParseContext& ctx, const YAML::Node& node, const std::string& what,
                                      bool allow_zero = false, TimeAmount amount = TimeAmount::Refused);

// A name must be an identifier we can emit: lowercase letters, digits and
// underscores, not starting with a digit, at most 63 bytes (PostgreSQL's
// NAMEDATALEN - 1, beyond which it silently truncates).
// identifier_problem says why `name` is not one ("" when it is), for a `what`
// such as "column"; check_identifier reports that at `loc`.
std::string identifier_problem(const std::string& name, const std::string& what);
bool check_identifier(ParseContext& ctx, const std::string& name, const SourceLocation& loc, const std::string& what);
// `name` made valid: lowercase, `_` for other characters, `_` before a digit.
std::string suggested_identifier(const std::string& name);

// "a" or ["a", "b"]: a list of identifiers, each with its own position.
std::vector<NameRef> read_name_list(ParseContext& ctx, const YAML::Node& node, const std::string& what);

// A mapping's pairs with YAML merge keys (`<<: *defaults`) resolved: its own
// keys win, merged ones take the place of `<<`, nested merges are followed.
// A `<<` whose value is not a mapping or a list of them goes to *bad_merges.
std::vector<std::pair<YAML::Node, YAML::Node>> merged_pairs(const YAML::Node& map,
                                                            std::vector<YAML::Node>* bad_merges = nullptr);

// Reads a mapping's keys as they are asked for; finish() then reports every
// key nobody asked for, with the closest known key as a suggestion. Duplicate
// keys (which yaml-cpp accepts silently, keeping the first) are errors.
class MapReader {
public:
    MapReader(ParseContext& ctx, const YAML::Node& node, std::string what);

    bool valid() const { return valid_; }
    const std::string& what() const { return what_; }
    SourceLocation loc() const { return location_of(ctx_, node_); }

    // Special message for a repeated key (e.g. two refresh policies).
    void on_duplicate(const std::string& key, std::string message);

    std::optional<YAML::Node> take(const std::string& key);
    bool has(const std::string& key) const;
    bool taken(const std::string& key) const;  // asked for with take() (or a take_*)
    // A key reported already in a better way: finish() neither reports it nor suggests it.
    void reported(const std::string& key);
    SourceLocation key_loc(const std::string& key) const;
    SourceLocation value_loc(const std::string& key) const;

    std::optional<std::string> take_string(const std::string& key);
    std::optional<bool> take_bool(const std::string& key);
    std::optional<int> take_int(const std::string& key, int min, int max);
    std::optional<Interval> take_interval(const std::string& key, bool allow_zero = false);
    // An interval, or a whole number for an integer time column.
    std::optional<Interval> take_time_amount(const std::string& key, bool allow_zero = false);
    std::vector<NameRef> take_names(const std::string& key);

    // Reports a required key that is missing.
    void require(const std::string& key, const std::string& hint = "");

    // Keys starting with `x-` hold YAML anchors for the rest of the file
    // (`x-common: &common ...`), as in Compose files: finish() ignores them.
    void ignore_extension_keys();
    // Reports unknown keys. Call after every take().
    void finish();

    // Every key in document order with its node, for name -> spec mappings.
    // A repeated key is reported once, here, and only its first value kept.
    struct Entry {
        std::string key;
        SourceLocation key_loc;
        YAML::Node value;
    };
    std::vector<Entry> entries();

private:
    void check_duplicates();
    void expand_merge_keys();

    ParseContext& ctx_;
    YAML::Node node_;
    // The mapping's own pairs, then those its merge keys (`<<`) bring in.
    std::vector<std::pair<YAML::Node, YAML::Node>> pairs_;
    std::string what_;
    bool valid_ = false;
    std::vector<std::string> known_;
    std::vector<std::string> reported_;
    std::map<std::string, std::string> duplicate_messages_;
    bool duplicates_checked_ = false;
};

}  // namespace hyperschema::parse
