// The value types on their own: uuid and numeric parsing and formatting,
// numeric's scaled-integer helpers, interval and the chrono mappings.

#include "support/catch.hpp"

#include <unordered_set>

#include "hyperschema/types.hpp"

using namespace hyperschema;
using namespace std::chrono;

TEST_CASE("uuid parses what PostgreSQL accepts and prints it canonically", "[types][uuid]") {
    const std::string canonical = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    for (std::string_view text : {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
                                  "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
                                  "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}"}) {
        INFO(text);
        auto u = uuid::parse(text);
        REQUIRE(u);
        CHECK(u->to_string() == canonical);
    }
    auto u = *uuid::parse(canonical);
    CHECK(u.bytes[0] == 0xa0);
    CHECK(u.bytes[15] == 0x11);
    CHECK(uuid{}.to_string() == "00000000-0000-0000-0000-000000000000");
}

TEST_CASE("uuid rejects malformed text", "[types][uuid]") {
    for (std::string_view text : {"", "a0eebc99", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",  // too short
                                  "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111",                // too long
                                  "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",                 // not hex
                                  "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11",                // double hyphen
                                  "a0eeb-c99-9c0b-4ef8-bb6d-6bb9bd380a11",                // hyphen mid-group
                                  "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-",                // trailing hyphen
                                  "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
                                  " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}) {
        INFO(text);
        CHECK_FALSE(uuid::parse(text));
    }
}

TEST_CASE("uuid compares and hashes by value", "[types][uuid]") {
    auto a = *uuid::parse("00000000-0000-0000-0000-000000000001");
    auto b = *uuid::parse("00000000-0000-0000-0000-000000000002");
    auto c = *uuid::parse("10000000-0000-0000-0000-000000000000");
    CHECK(a < b);
    CHECK(b < c);
    CHECK(a == *uuid::parse("{00000000000000000000000000000001}"));
    std::unordered_set<uuid> set{a, b, c, a};
    CHECK(set.size() == 3);
    CHECK(std::hash<uuid>{}(a) != std::hash<uuid>{}(b));
}

TEST_CASE("numeric parses PostgreSQL's input syntax into its canonical text", "[types][numeric]") {
    struct Case {
        std::string_view in, out;
    };
    for (auto [in, out] :
         std::initializer_list<Case>{{"0", "0"},
                                     {"-0", "0"},
                                     {"-0.00", "0.00"},
                                     {"00012.3400", "12.3400"},
                                     {"+5", "5"},
                                     {" 5. ", "5"},
                                     {".5", "0.5"},
                                     {"-.5", "-0.5"},
                                     {"1.5e3", "1500"},
                                     {"1.5E-3", "0.0015"},
                                     {"-12e+2", "-1200"},
                                     {"123.456e1", "1234.56"},
                                     {"nan", "NaN"},
                                     {"NaN", "NaN"},
                                     {"infinity", "Infinity"},
                                     {"-Inf", "-Infinity"},
                                     {"+INFINITY", "Infinity"},
                                     {"-12345678901234567890.000123", "-12345678901234567890.000123"}}) {
        INFO(in);
        auto n = numeric::parse(in);
        REQUIRE(n);
        CHECK(n->to_string() == out);
    }
    for (std::string_view bad : {"", "-", ".", "1.2.3", "1e", "e5", "1e5000", "12a", "1 2", "--1", "0x10", "∞"}) {
        INFO(bad);
        CHECK_FALSE(numeric::parse(bad));
    }
    CHECK(numeric().to_string() == "0");
    CHECK(numeric::parse("1." + std::string(16383, '1')));
    CHECK_FALSE(numeric::parse("1." + std::string(16384, '1')));  // PostgreSQL's largest scale is 16383
}

TEST_CASE("numeric equality is textual and keeps the scale", "[types][numeric]") {
    CHECK(*numeric::parse("1.50") == *numeric::parse("001.50"));
    CHECK_FALSE(*numeric::parse("1.50") == *numeric::parse("1.5"));
    CHECK(numeric::parse("1.50")->scale() == 2);
    CHECK(numeric::parse("7")->scale() == 0);
    CHECK(numeric::nan().is_nan());
    CHECK(numeric::parse("-inf")->is_infinite());
}

TEST_CASE("numeric converts to and from scaled integers exactly", "[types][numeric]") {
    auto n = *numeric::parse("1.50");
    CHECK(n.to_scaled(2) == 150);
    CHECK(n.to_scaled(1) == 15);
    CHECK(n.to_scaled(4) == 15000);
    CHECK(n.to_scaled(0) == std::nullopt);  // 1.5 is not an integer
    CHECK(numeric::parse("-0.001")->to_scaled(3) == -1);
    CHECK(numeric::parse("-0.001")->to_scaled(2) == std::nullopt);
    CHECK(numeric::parse("1200")->to_scaled(-2) == 12);
    CHECK(numeric::parse("1250")->to_scaled(-2) == std::nullopt);
    CHECK(numeric::parse("0")->to_scaled(-5) == 0);
    CHECK(numeric::parse("9223372036854775807")->to_scaled(0) == INT64_MAX);
    CHECK(numeric::parse("-9223372036854775808")->to_scaled(0) == INT64_MIN);
    CHECK(numeric::parse("9223372036854775808")->to_scaled(0) == std::nullopt);
    CHECK(numeric::parse("922337203685477580.8")->to_scaled(1) == std::nullopt);
    CHECK(numeric::parse("92233720368547758.07")->to_scaled(2) == INT64_MAX);
    CHECK(numeric::parse("1")->to_scaled(19) == std::nullopt);
    CHECK(numeric::parse("0.000")->to_scaled(1000) == 0);
    CHECK(numeric::nan().to_scaled(0) == std::nullopt);
    CHECK(numeric::parse("Infinity")->to_scaled(0) == std::nullopt);

    CHECK(numeric::from_scaled(150, 2).to_string() == "1.50");
    CHECK(numeric::from_scaled(-1, 3).to_string() == "-0.001");
    CHECK(numeric::from_scaled(0, 2).to_string() == "0.00");
    CHECK(numeric::from_scaled(12, -2).to_string() == "1200");
    CHECK(numeric::from_scaled(0, -2).to_string() == "0");
    CHECK(numeric::from_scaled(INT64_MIN, 0).to_string() == "-9223372036854775808");
    CHECK(numeric::from_scaled(INT64_MIN, 25).to_string() == "-0.0000009223372036854775808");
    CHECK(numeric::from_integer(-42).to_string() == "-42");
    CHECK_THROWS_AS(numeric::from_scaled(1, 1001), error);
    for (std::int64_t v :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, INT64_MAX, INT64_MIN, std::int64_t{123456789}}) {
        for (int scale : {-3, 0, 1, 6, 18}) {
            INFO(v << " scale " << scale);
            auto back = numeric::from_scaled(v, scale).to_scaled(scale);
            REQUIRE(back);
            CHECK(*back == v);
        }
    }
}

TEST_CASE("interval converts to a duration only when it has no days or months", "[types][interval]") {
    auto i = interval::from_duration(-microseconds(11045000006));
    CHECK(i == interval{-11045000006, 0, 0});
    CHECK(i.to_duration() == -microseconds(11045000006));
    CHECK((interval{0, 1, 0}.to_duration()) == std::nullopt);
    CHECK((interval{0, 0, -1}.to_duration()) == std::nullopt);
    CHECK_FALSE((interval{86400000000, 0, 0} == interval{0, 1, 0}));  // field-wise, unlike SQL
}
