#include "parse/node_reader.hpp"

#include <algorithm>
#include <cctype>

namespace hyperschema::parse {

SourceLocation location_of(const ParseContext& ctx, const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {ctx.file, 0, 0};
    return {ctx.file, mark.line + 1, mark.column + 1};
}

std::string node_kind(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "`" + node.Scalar() + "`";
        case YAML::NodeType::Null:
            return "nothing";
        default:
            return "an undefined value";
    }
}

std::optional<std::string> read_scalar(ParseContext& ctx, const YAML::Node& node, const std::string& what) {
    if (node.IsScalar()) return node.Scalar();
    ctx.diags.error(location_of(ctx, node), what + " must be a single value, not " + node_kind(node));
    return std::nullopt;
}

std::optional<bool> read_bool(ParseContext& ctx, const YAML::Node& node, const std::string& what) {
    auto text = read_scalar(ctx, node, what);
    if (!text) return std::nullopt;
    if (*text == "true") return true;
    if (*text == "false") return false;
    ctx.diags.error(location_of(ctx, node), what + " must be `true` or `false`, not `" + *text + "`");
    return std::nullopt;
}

std::optional<int> read_int(ParseContext& ctx, const YAML::Node& node, const std::string& what, int min, int max) {
    auto text = read_scalar(ctx, node, what);
    if (!text) return std::nullopt;
    bool digits = !text->empty() && text->size() <= 9 && std::all_of(text->begin(), text->end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
    int value = digits ? std::stoi(*text) : -1;
    if (!digits || value < min || value > max) {
        ctx.diags.error(location_of(ctx, node), what + " must be a whole number from " + std::to_string(min) + " to " +
                                                    std::to_string(max) + ", not `" + *text + "`");
        return std::nullopt;
    }
    return value;
}

std::optional<Interval> read_interval(ParseContext& ctx, const YAML::Node& node, const std::string& what,
                                      bool allow_zero, TimeAmount amount) {
    auto text = read_scalar(ctx, node, what);
    if (!text) return std::nullopt;
    std::string why;
    auto iv = amount == TimeAmount::Allowed ? Interval::parse_amount(*text, &why) : Interval::parse(*text, &why);
    if (!iv) {
        // The fraction message carries its own suggestion.
        const bool fraction = why.rfind("fractions", 0) == 0;
        ctx.diags.error(location_of(ctx, node),
                        "invalid interval `" + *text + "` for " + what + ": " + why +
                            (fraction ? "" : "; write a number and a unit, e.g. `7 days`, `1 hour`, `30 minutes`"));
        return std::nullopt;
    }
    const bool zero = iv->months == 0 && iv->days == 0 && iv->micros == 0;
    if (!iv->is_positive() && !(allow_zero && zero)) {
        ctx.diags.error(
            location_of(ctx, node),
            what + " must be a positive " + (iv->integer_units ? "number" : "interval") + ", not `" + *text + "`");
        return std::nullopt;
    }
    return iv;
}

std::string suggested_identifier(const std::string& name) {
    std::string suggestion;
    for (char c : name.substr(0, 63)) {
        suggestion += std::isalnum(static_cast<unsigned char>(c))
                          ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                          : '_';
    }
    if (suggestion.empty() || std::isdigit(static_cast<unsigned char>(suggestion[0]))) suggestion = "_" + suggestion;
    return suggestion.substr(0, 63);
}

std::string identifier_problem(const std::string& name, const std::string& what) {
    if (name.empty()) return what + " name must not be empty";
    if (name.size() > 63) {
        return what + " name `" + name + "` is " + std::to_string(name.size()) +
               " bytes long; PostgreSQL identifiers are at most 63 bytes (longer names are silently truncated), so "
               "shorten it";
    }
    if (name.find_first_of("(),") != std::string::npos) {
        return what + " name `" + name +
               "` looks like part of an SQL expression cut at a comma: inside a YAML flow mapping `{...}` a comma "
               "ends the value, so quote values that contain commas";
    }
    bool valid = !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name) {
        valid = valid && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                          c == '_');
    }
    if (valid) return {};
    return what + " name `" + name +
           "` is not a valid identifier: use lowercase letters, digits and underscores, not starting with a digit "
           "(e.g. `" +
           suggested_identifier(name) + "`)";
}

bool check_identifier(ParseContext& ctx, const std::string& name, const SourceLocation& loc, const std::string& what) {
    std::string problem = identifier_problem(name, what);
    if (!problem.empty()) ctx.diags.error(loc, problem);
    return problem.empty();
}

std::vector<NameRef> read_name_list(ParseContext& ctx, const YAML::Node& node, const std::string& what) {
    std::vector<NameRef> out;
    auto read_one = [&](const YAML::Node& item) {
        auto text = read_scalar(ctx, item, what);
        if (!text) return;
        SourceLocation loc = location_of(ctx, item);
        if (check_identifier(ctx, *text, loc, what)) out.push_back({*text, loc});
    };
    if (node.IsSequence()) {
        for (const auto& item : node) read_one(item);
    } else if (node.IsScalar() && node.Scalar().find(',') != std::string::npos) {
        // `primary_key: a, b` is one YAML string, not two names.
        std::string list;
        for (char c : node.Scalar()) {
            if (c == ',')
                list += ", ";
            else if (c != ' ')
                list += c;
        }
        ctx.diags.error(location_of(ctx, node), what + " is the single value `" + node.Scalar() +
                                                    "`; write several names as a YAML list: `[" + list + "]`");
    } else if (node.IsScalar()) {
        read_one(node);
    } else {
        ctx.diags.error(location_of(ctx, node), what + " must be a name or a list of names, not " + node_kind(node));
    }
    return out;
}

MapReader::MapReader(ParseContext& ctx, const YAML::Node& node, std::string what)
    : ctx_(ctx), node_(node), what_(std::move(what)) {
    valid_ = node.IsMap();
    if (!valid_) {
        ctx.diags.error(location_of(ctx, node), what_ + " must be a mapping of keys to values, not " + node_kind(node));
        return;
    }
    expand_merge_keys();
}

namespace {

bool is_merge_key(const YAML::Node& key) {
    return key.IsScalar() && key.Scalar() == "<<" && key.Tag() != "!";
}

// The mappings a merge key names: one alias or a list of them; empty (and
// *bad set) for anything else.
std::vector<YAML::Node> merge_sources(const YAML::Node& value, bool* bad) {
    std::vector<YAML::Node> out;
    if (value.IsMap()) {
        out.push_back(value);
    } else if (value.IsSequence() &&
               std::all_of(value.begin(), value.end(), [](const YAML::Node& n) { return n.IsMap(); })) {
        for (const auto& m : value) out.push_back(m);
    } else {
        *bad = true;
    }
    return out;
}

// The pairs a merged mapping brings that are not in `present` (set by the
// mappings around it) or `overridden` (set by the mapping that merges it), in
// its own order, its merge keys followed in place (an anchor built on
// another), to a depth no sane file reaches.
void append_merged(const YAML::Node& map, std::set<std::string>& present, const std::set<std::string>& overridden,
                   std::vector<std::pair<YAML::Node, YAML::Node>>& out, int depth) {
    if (depth > 16) return;
    std::set<std::string> own = overridden;
    for (const auto& pair : map) {
        if (!is_merge_key(pair.first) && pair.first.IsScalar()) own.insert(pair.first.Scalar());
    }
    for (const auto& pair : map) {
        if (is_merge_key(pair.first)) {
            bool bad = false;
            for (const auto& m : merge_sources(pair.second, &bad)) append_merged(m, present, own, out, depth + 1);
        } else if (pair.first.IsScalar() && !overridden.count(pair.first.Scalar()) &&
                   present.insert(pair.first.Scalar()).second) {
            out.emplace_back(pair.first, pair.second);
        }
    }
}

}  // namespace

std::vector<std::pair<YAML::Node, YAML::Node>> merged_pairs(const YAML::Node& map,
                                                            std::vector<YAML::Node>* bad_merges) {
    std::vector<std::pair<YAML::Node, YAML::Node>> out;
    std::set<std::string> present;  // set here, or merged already: a later mapping does not override
    for (const auto& pair : map) {
        if (!is_merge_key(pair.first) && pair.first.IsScalar()) present.insert(pair.first.Scalar());
    }
    for (const auto& pair : map) {
        if (!is_merge_key(pair.first)) {
            out.emplace_back(pair.first, pair.second);
            continue;
        }
        // The merged keys take the place of `<<` (columns keep their order).
        bool bad = false;
        for (const auto& m : merge_sources(pair.second, &bad)) append_merged(m, present, {}, out, 1);
        if (bad && bad_merges) bad_merges->push_back(pair.second);
    }
    return out;
}

// YAML's merge key: `<<: *defaults` (or a list of aliases) copies the keys of
// the mappings named into this one, unless this one sets them itself; the
// first mapping listed wins. yaml-cpp 0.7 reads `<<` as a plain key (0.8
// merges itself, with the same result). The merged values keep their own
// positions, so an error in them points where the user wrote them (the
// anchor), not at the alias.
void MapReader::expand_merge_keys() {
    std::vector<YAML::Node> bad;
    pairs_ = merged_pairs(node_, &bad);
    for (const auto& value : bad) {
        ctx_.diags.error(location_of(ctx_, value), "the merge key `<<` in " + what_ +
                                                       " takes an alias of a mapping (`<<: *defaults`) or a list of "
                                                       "them, not " +
                                                       node_kind(value));
    }
}

void MapReader::on_duplicate(const std::string& key, std::string message) {
    duplicate_messages_[key] = std::move(message);
}

void MapReader::check_duplicates() {
    if (duplicates_checked_ || !valid_) return;
    duplicates_checked_ = true;
    std::map<std::string, SourceLocation> seen;
    for (const auto& pair : pairs_) {
        if (!pair.first.IsScalar()) continue;
        const std::string key = pair.first.Scalar();
        SourceLocation loc = location_of(ctx_, pair.first);
        auto [it, inserted] = seen.emplace(key, loc);
        if (inserted) continue;
        auto special = duplicate_messages_.find(key);
        std::string message = special != duplicate_messages_.end()
                                  ? special->second
                                  : "duplicate key `" + key + "` in " + what_ + "; each key may appear once";
        auto& d = ctx_.diags.error(loc, message);
        Diagnostics::add_note(d, it->second, "first `" + key + "` is here");
    }
}

std::optional<YAML::Node> MapReader::take(const std::string& key) {
    check_duplicates();
    known_.push_back(key);
    if (!valid_) return std::nullopt;
    for (const auto& pair : pairs_) {
        if (pair.first.IsScalar() && pair.first.Scalar() == key) return pair.second;
    }
    return std::nullopt;
}

bool MapReader::taken(const std::string& key) const {
    return std::find(known_.begin(), known_.end(), key) != known_.end() ||
           std::find(reported_.begin(), reported_.end(), key) != reported_.end();
}

void MapReader::reported(const std::string& key) {
    reported_.push_back(key);
}

bool MapReader::has(const std::string& key) const {
    if (!valid_) return false;
    for (const auto& pair : pairs_) {
        if (pair.first.IsScalar() && pair.first.Scalar() == key) return true;
    }
    return false;
}

SourceLocation MapReader::key_loc(const std::string& key) const {
    if (valid_) {
        for (const auto& pair : pairs_) {
            if (pair.first.IsScalar() && pair.first.Scalar() == key) return location_of(ctx_, pair.first);
        }
    }
    return loc();
}

SourceLocation MapReader::value_loc(const std::string& key) const {
    if (valid_) {
        for (const auto& pair : pairs_) {
            if (pair.first.IsScalar() && pair.first.Scalar() == key) return location_of(ctx_, pair.second);
        }
    }
    return loc();
}

std::optional<std::string> MapReader::take_string(const std::string& key) {
    auto node = take(key);
    if (!node) return std::nullopt;
    return read_scalar(ctx_, *node, "`" + key + "` of " + what_);
}

std::optional<bool> MapReader::take_bool(const std::string& key) {
    auto node = take(key);
    if (!node) return std::nullopt;
    return read_bool(ctx_, *node, "`" + key + "` of " + what_);
}

std::optional<int> MapReader::take_int(const std::string& key, int min, int max) {
    auto node = take(key);
    if (!node) return std::nullopt;
    return read_int(ctx_, *node, "`" + key + "` of " + what_, min, max);
}

std::optional<Interval> MapReader::take_interval(const std::string& key, bool allow_zero) {
    auto node = take(key);
    if (!node) return std::nullopt;
    return read_interval(ctx_, *node, "`" + key + "` of " + what_, allow_zero);
}

std::optional<Interval> MapReader::take_time_amount(const std::string& key, bool allow_zero) {
    auto node = take(key);
    if (!node) return std::nullopt;
    return read_interval(ctx_, *node, "`" + key + "` of " + what_, allow_zero, TimeAmount::Allowed);
}

std::vector<NameRef> MapReader::take_names(const std::string& key) {
    auto node = take(key);
    if (!node) return {};
    return read_name_list(ctx_, *node, "`" + key + "` of " + what_);
}

void MapReader::require(const std::string& key, const std::string& hint) {
    if (valid_ && !has(key)) {
        ctx_.diags.error(loc(), what_ + " needs `" + key + "`" + (hint.empty() ? "" : ": " + hint));
    }
}

void MapReader::ignore_extension_keys() {
    for (const auto& pair : pairs_) {
        if (pair.first.IsScalar() && pair.first.Scalar().rfind("x-", 0) == 0) reported_.push_back(pair.first.Scalar());
    }
}

void MapReader::finish() {
    check_duplicates();
    if (!valid_) return;
    for (const auto& pair : pairs_) {
        if (!pair.first.IsScalar()) {
            ctx_.diags.error(location_of(ctx_, pair.first), "keys of " + what_ + " must be plain names");
            continue;
        }
        const std::string key = pair.first.Scalar();
        if (taken(key)) continue;
        ctx_.diags.error(location_of(ctx_, pair.first), "unknown key `" + key + "` in " + what_ +
                                                            did_you_mean(key, known_) + "; expected " + one_of(known_));
    }
}

std::vector<MapReader::Entry> MapReader::entries() {
    check_duplicates();
    std::vector<Entry> out;
    if (!valid_) return out;
    std::set<std::string> seen;
    for (const auto& pair : pairs_) {
        if (!pair.first.IsScalar()) {
            ctx_.diags.error(location_of(ctx_, pair.first), "keys of " + what_ + " must be plain names");
            continue;
        }
        if (!seen.insert(pair.first.Scalar()).second) continue;
        known_.push_back(pair.first.Scalar());
        out.push_back({pair.first.Scalar(), location_of(ctx_, pair.first), pair.second});
    }
    return out;
}

}  // namespace hyperschema::parse
