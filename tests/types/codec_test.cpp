// The binary codec against byte strings PostgreSQL 15 itself produces
// (numeric_send, timestamptz_send, array_send, ... in psql), and its refusals.

#include "support/catch.hpp"

#include "hyperschema/codec.hpp"
#include "types/types_db.hpp"

using namespace hyperschema;
using namespace std::chrono;
using types_test::mood;

namespace {

std::string hex(const byte_buffer& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0xF];
    }
    return out;
}

byte_buffer unhex(std::string_view text) {
    byte_buffer out;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2)
        out += static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16));
    return out;
}

template <class T>
std::string encoded(const T& value) {
    byte_buffer out;
    pg_codec<T>::encode(value, out);
    return hex(out);
}

template <class T>
T decoded(std::string_view hex_bytes) {
    byte_buffer bytes = unhex(hex_bytes);
    return pg_codec<T>::decode(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

TEST_CASE("numeric's binary form is byte for byte PostgreSQL's", "[codec][numeric]") {
    struct Case {
        std::string_view text, wire;
    };
    // Each pair is `SELECT numeric_send('<text>')` on PostgreSQL 15.
    for (auto [text, wire] :
         std::initializer_list<Case>{{"-12345678901234567890.000123", "000700044000000604d2162e23340d801ed2000108fc"},
                                     {"0.001", "0001ffff00000003000a"},
                                     {"0", "0000000000000000"},
                                     {"0.00", "0000000000000002"},
                                     {"NaN", "00000000c0000000"},
                                     {"100000", "0001000100000000000a"},
                                     {"10000.5", "0003000100000001000100001388"},
                                     {"0.0000000001", "0001fffd0000000a0064"},
                                     {"123456789.123456789", "0006000200000009000109291a8504d2162e2328"},
                                     {"-1", "00010000400000000001"},
                                     {"99999999", "0002000100000000270f270f"},
                                     {"0.00000000000000000001", "0001fffb000000140001"},
                                     {"3.14159265358979323846264338327950288419716939937510",
                                      "000e0000000000320003058724310e051efc0f060a530ef81f0e0b4407b31b1b249f03e8"}}) {
        INFO(text);
        auto n = *numeric::parse(text);
        CHECK(encoded(n) == wire);
        CHECK(decoded<numeric>(wire) == n);
    }
    // PostgreSQL sends a dscale with the infinities; it means nothing.
    CHECK(decoded<numeric>("00000000d0000020").to_string() == "Infinity");
    CHECK(decoded<numeric>("00000000f0000020").to_string() == "-Infinity");
    CHECK(encoded(*numeric::parse("-Infinity")) == "00000000f0000000");
    // "-0.00" arrives as zero with a scale, and zero is never negative.
    CHECK(decoded<numeric>("0000000040000002").to_string() == "0.00");
    // Digits beyond dscale are cut off, as numeric_recv does.
    CHECK(decoded<numeric>("0001ffff00000002000a").to_string() == "0.00");
}

TEST_CASE("numeric's binary form round-trips huge and tiny values", "[codec][numeric]") {
    std::vector<std::string> texts = {"1" + std::string(1000, '0'), "-0." + std::string(500, '0') + "1",
                                      "9999." + std::string(16383 - 4, '9') + "9999",
                                      "-" + std::string(131072, '7') + ".5"};
    for (const auto& text : texts) {
        auto n = numeric::parse(text);
        REQUIRE(n);
        byte_buffer out;
        pg_codec<numeric>::encode(*n, out);
        CHECK(pg_codec<numeric>::decode(out.data(), static_cast<int>(out.size())) == *n);
    }
}

TEST_CASE("numeric refuses malformed binary values", "[codec][numeric]") {
    CHECK_THROWS_AS(decoded<numeric>("0001"), error);                  // truncated header
    CHECK_THROWS_AS(decoded<numeric>("0002000000000000000a"), error);  // fewer digits than ndigits
    CHECK_THROWS_AS(decoded<numeric>("00010000000000002710"), error);  // digit 10000
    CHECK_THROWS_AS(decoded<numeric>("00010000123400000001"), error);  // unknown sign
}

TEST_CASE("timestamps are microseconds since 2000 with infinity at the ends", "[codec][time]") {
    // timestamptz_send('2024-02-29 23:59:59.999999+00')
    const timestamptz leap = sys_days{2024y / 2 / 29} + 23h + 59min + 59s + 999999us;
    CHECK(encoded(leap) == "0002b58cd363bfff");
    CHECK(decoded<timestamptz>("0002b58cd363bfff") == leap);
    CHECK(encoded(timestamptz(sys_days{2000y / 1 / 1})) == "0000000000000000");
    CHECK(encoded(timestamptz{}) == "fffca2fec4c82000");  // 1970-01-01: -946684800000000
    CHECK(encoded(timestamptz::max()) == "7fffffffffffffff");
    CHECK(encoded(timestamptz::min()) == "8000000000000000");
    CHECK(decoded<timestamptz>("7fffffffffffffff") == timestamptz::max());
    CHECK(decoded<timestamptz>("8000000000000000") == timestamptz::min());
    // A finite PostgreSQL timestamp past what sys_time<microseconds> holds.
    CHECK_THROWS_AS(decoded<timestamptz>("7ffffffffffffffe"), error);
    CHECK_THROWS_AS(encoded(timestamptz::min() + 1us), error);

    const timestamp local = local_days{2024y / 2 / 29} + 23h + 59min + 59s + 999999us;
    CHECK(encoded(local) == "0002b58cd363bfff");  // the same wall-clock reading
    CHECK(decoded<timestamp>("8000000000000000") == timestamp::min());
    CHECK_THROWS_AS(decoded<timestamp>("00000000"), error);  // wrong length
}

TEST_CASE("dates are days since 2000 with infinity at the ends", "[codec][time]") {
    // date_send('0001-01-01'), date_send('9999-12-31'), date_send('infinity')
    CHECK(encoded(date{sys_days{1y / 1 / 1}}) == "fff4dbf9");
    CHECK(encoded(date{sys_days{9999y / 12 / 31}}) == "002c95d3");
    CHECK(encoded(date::max()) == "7fffffff");
    CHECK(encoded(date::min()) == "80000000");
    CHECK(decoded<date>("fff4dbf9") == sys_days{1y / 1 / 1});
    CHECK(decoded<date>("7fffffff") == date::max());
    CHECK(decoded<date>("80000000") == date::min());
    CHECK(encoded(date{sys_days{1970y / 1 / 1}}) == "ffffd533");  // -10957
    CHECK_THROWS_AS(encoded(date::max() - days(1)), error);       // no int32 day count
}

TEST_CASE("the other scalars match PostgreSQL's send functions", "[codec]") {
    // interval_send('-1 mon -2 days -03:04:05.000006')
    interval negative{-11045000006, -2, -1};
    CHECK(encoded(negative) == "fffffffd6daaacbafffffffeffffffff");
    CHECK(decoded<interval>("fffffffd6daaacbafffffffeffffffff") == negative);
    CHECK(encoded(*uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")) == "a0eebc999c0b4ef8bb6d6bb9bd380a11");
    CHECK(encoded(jsonb{R"({"a": "ü"})"}) == "017b2261223a2022c3bc227d");
    CHECK(decoded<jsonb>("017b2261223a2022c3bc227d").text == R"({"a": "ü"})");
    CHECK_THROWS_AS(decoded<jsonb>("027b7d"), error);  // an unknown jsonb version
    CHECK(encoded(json{"[1]"}) == "5b315d");
    CHECK(encoded(true) == "01");
    CHECK(encoded(std::int16_t{-2}) == "fffe");
    CHECK(encoded(std::int32_t{-2}) == "fffffffe");
    CHECK(encoded(std::int64_t{1} << 40) == "0000010000000000");
    CHECK(encoded(1.5f) == "3fc00000");
    CHECK(encoded(-2.0) == "c000000000000000");
    CHECK(decoded<double>("c000000000000000") == -2.0);
    CHECK(encoded(bytea{std::byte{0}, std::byte{0xff}}) == "00ff");
    CHECK(decoded<bytea>("000100") == bytea{std::byte{0}, std::byte{1}, std::byte{0}});
    CHECK_THROWS_AS(decoded<std::int32_t>("0001"), error);
    CHECK_THROWS_AS(decoded<uuid>("00"), error);
}

TEST_CASE("arrays use PostgreSQL's one-dimensional binary layout", "[codec][array]") {
    // array_send(array[1,2]::int4[]), array_send('{}'::int4[]), array_send(array['a',null])
    CHECK(encoded(std::vector<std::int32_t>{1, 2}) ==
          "000000010000000000000017000000020000000100000004000000010000000400000002");
    CHECK(encoded(std::vector<std::int32_t>{}) == "000000000000000000000017");
    CHECK(encoded(std::vector<std::optional<std::string>>{"a", std::nullopt}) ==
          "00000001000000010000001900000002000000010000000161ffffffff");
    CHECK(decoded<std::vector<std::int32_t>>(
              "000000010000000000000017000000020000000100000004000000010000000400000002") ==
          std::vector<std::int32_t>{1, 2});
    CHECK(decoded<std::vector<std::int32_t>>("000000000000000000000017").empty());
    CHECK(decoded<std::vector<std::optional<std::string>>>(
              "00000001000000010000001900000002000000010000000161ffffffff") ==
          std::vector<std::optional<std::string>>{"a", std::nullopt});

    SECTION("a NULL element cannot go into std::vector<T>") {
        try {
            decoded<std::vector<std::string>>("00000001000000010000001900000002000000010000000161ffffffff");
            FAIL("no exception");
        } catch (const error& e) {
            CHECK(std::string(e.what()).find("element 2 is NULL") != std::string::npos);
        }
    }
    SECTION("two dimensions are refused") {
        CHECK_THROWS_AS(decoded<std::vector<std::int32_t>>("00000002000000000000001700000001000000010000000100000001"
                                                           "0000000400000007"),
                        error);
    }
    SECTION("elements of another type are refused") {
        CHECK_THROWS_AS(decoded<std::vector<std::int64_t>>("000000010000000000000017000000010000000100000004"
                                                           "00000001"),
                        error);
    }
    SECTION("a lower bound other than 1 is dropped") {
        CHECK(decoded<std::vector<std::int32_t>>("00000001000000000000001700000001fffffffe0000000400000009") ==
              std::vector<std::int32_t>{9});
    }
    SECTION("truncated arrays are refused") {
        CHECK_THROWS_AS(decoded<std::vector<std::int32_t>>("0000000100000000000000170000000200000001000000040000"),
                        error);
    }
}

TEST_CASE("enums travel as their labels", "[codec][enum]") {
    CHECK(label_of(mood::happy) == "happy");
    CHECK(enum_from_label<mood>("sad") == mood::sad);
    CHECK(enum_from_label<mood>("SAD") == std::nullopt);
    CHECK(encoded(mood::ok) == hex("ok"));
    CHECK(decoded<mood>(hex("happy")) == mood::happy);
    CHECK_THROWS_WITH(decoded<mood>(hex("ecstatic")), Catch::Contains("ecstatic") && Catch::Contains("public.mood"));

    byte_buffer text;
    pg_codec<std::vector<mood>>::encode_text({mood::sad, mood::awkward}, text);
    CHECK(text == R"({"sad","so-so, \"really\" {\\}"})");
    text.clear();
    pg_codec<std::vector<std::optional<mood>>>::encode_text({std::nullopt, mood::ok}, text);
    CHECK(text == R"({NULL,"ok"})");

    // The OID of an enum array's elements comes from the database.
    byte_buffer out;
    CHECK_THROWS_AS(pg_codec<std::vector<mood>>::encode({mood::ok}, out), error);
    out.clear();
    pg_codec<std::vector<mood>>::encode({mood::ok}, out, 16390);
    CHECK(hex(out) == "0000000100000000000040060000000100000001000000026f6b");
}

TEST_CASE("codecs accept the column types they can read", "[codec]") {
    CHECK(pg_codec<std::string>::accepts(oids::varchar));
    CHECK(pg_codec<std::string>::accepts(oids::text));
    CHECK_FALSE(pg_codec<std::string>::accepts(oids::int4));
    CHECK_FALSE(pg_codec<float>::accepts(oids::int4));  // same size, different meaning
    CHECK(pg_codec<std::optional<std::int64_t>>::accepts(oids::int8));
    CHECK(pg_codec<std::vector<std::string>>::accepts(oids::varchar_array));
    CHECK_FALSE(pg_codec<std::vector<std::string>>::accepts(oids::int4_array));
    CHECK_FALSE(pg_codec<std::vector<std::string>>::accepts(oids::text));
    CHECK(pg_codec<mood>::accepts(16390));  // an enum's OID
    CHECK_FALSE(pg_codec<mood>::accepts(oids::int4));
    CHECK(pg_codec<std::int32_t>::accepts(16400));  // a domain over integer
}
