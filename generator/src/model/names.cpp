#include "model/names.hpp"

#include <cstdio>

namespace hyperschema {

unsigned long long fnv1a64(const std::string& text) {
    unsigned long long h = 1469598103934665603ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::string derived_name(const std::string& table, const std::vector<NameRef>& columns, const std::string& suffix) {
    std::string name = table;
    for (const auto& c : columns) name += "_" + c.name;
    name += "_" + suffix;
    if (name.size() <= 63) return name;
    char hash[9];
    std::snprintf(hash, sizeof hash, "%08llx", fnv1a64(name) & 0xffffffffULL);
    std::string tail = "_" + std::string(hash) + "_" + suffix;
    return name.substr(0, 63 - tail.size()) + tail;
}

}  // namespace hyperschema
