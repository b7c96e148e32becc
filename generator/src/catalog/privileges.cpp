#include "catalog/privileges.hpp"

namespace hyperschema::catalog {

std::vector<std::string> privileges_of(GrantTarget target) {
    std::vector<std::string> out;
    std::string_view list = grant_target(target).privileges;
    while (!list.empty()) {
        const auto bar = list.find('|');
        out.emplace_back(list.substr(0, bar));
        list = bar == std::string_view::npos ? std::string_view() : list.substr(bar + 1);
    }
    return out;
}

}  // namespace hyperschema::catalog
