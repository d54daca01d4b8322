#include <gtest/gtest.h>

#include "core/coding.h"
#include "core/ids.h"
#include "core/json_quote.h"
#include "core/top_k.h"
#include "recd/event.h"
#include "recd/status.h"

namespace recd {
namespace {

TEST(Status, CarriesCodeAndMessage) {
  Status st = Status::InvalidArgument("events[3].type: unknown");
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(st.ToString(), "invalid_argument: events[3].type: unknown");
  EXPECT_EQ(Status::NotFound("x").WithContext("item: ").message(), "item: x");
  EXPECT_TRUE(Status::OK().WithContext("ignored").ok());
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> good = 7;
  Result<int> bad = Status::NotFound("nope");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  EXPECT_TRUE(bad.status().IsNotFound());
}

TEST(EventType, NamesRoundTrip) {
  for (int t = 0; t < kNumEventTypes; ++t) {
    auto type = static_cast<EventType>(t);
    EXPECT_EQ(ParseEventType(EventTypeName(type)), type);
  }
  EXPECT_FALSE(ParseEventType("bought").has_value());
}

TEST(KeyMap, InternsDenselyInOrderOfFirstAppearance) {
  KeyMap map;
  bool inserted = false;
  EXPECT_EQ(map.Intern("b", &inserted), 0u);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(map.Intern("a", &inserted), 1u);
  EXPECT_EQ(map.Intern("b", &inserted), 0u);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(map.Key(1), "a");
  EXPECT_FALSE(map.Find("c").has_value());
  KeyMap restored;
  restored.Restore("a", 1);
  restored.Restore("b", 0);
  EXPECT_EQ(restored.Find("a"), 1u);
  EXPECT_EQ(restored.Key(0), "b");
}

TEST(TopK, KeepsTheBestWithDeterministicTies) {
  TopK top(3);
  const double scores[] = {0.5, 2.0, 1.0, 2.0, 0.1, 3.0};
  for (uint32_t i = 0; i < 6; ++i) top.Push(i, scores[i]);
  std::vector<Scored> best = top.Take();
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0].idx, 5u);
  EXPECT_EQ(best[1].idx, 1u);  // tie with 3: smaller index first
  EXPECT_EQ(best[2].idx, 3u);
}

TEST(JsonQuote, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("say \"hi\" \\ bye"), "\"say \\\"hi\\\" \\\\ bye\"");
  EXPECT_EQ(JsonQuote("a\nb\x01"), "\"a\\u000ab\\u0001\"");
  EXPECT_EQ(JsonQuote("蓝牙"), "\"蓝牙\"");  // UTF-8 passes through
}

TEST(Coding, DecoderRejectsTruncatedInput) {
  std::string buf;
  PutFixed<uint32_t>(&buf, 42);
  PutLengthPrefixed(&buf, "hello");
  Decoder ok(buf);
  uint32_t v = 0;
  std::string s;
  EXPECT_TRUE(ok.Fixed(&v) && ok.LengthPrefixed(&s) && ok.done());
  EXPECT_EQ(v, 42u);
  EXPECT_EQ(s, "hello");
  Decoder cut(std::string_view(buf).substr(0, buf.size() - 1));
  EXPECT_TRUE(cut.Fixed(&v));
  EXPECT_FALSE(cut.LengthPrefixed(&s));
}

}  // namespace
}  // namespace recd
