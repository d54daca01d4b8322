#include "server/json_codec.h"

#include <gtest/gtest.h>

namespace recd {
namespace {

Status ParseOne(const std::string& body, Event* e) {
  std::vector<Event> events;
  std::vector<Status> statuses;
  bool batch = false;
  Status st = json::ParseEvents(body, &events, &statuses, &batch);
  if (st.ok() && !events.empty()) *e = events[0];
  return st;
}

TEST(JsonCodec, ParsesEveryEventField) {
  Event e;
  ASSERT_TRUE(ParseOne(R"({"user":"u1","session":"s1","item":42,"type":"rating","timestamp":1700000000000,
      "value":4.5,"recomm_id":"r1","context":{"device":"mobile","page":3,"ab":true}})", &e).ok());
  EXPECT_EQ(e.user_key, "u1");
  EXPECT_EQ(e.session_key, "s1");
  EXPECT_EQ(e.item_key, "42");
  EXPECT_EQ(e.type, EventType::kRating);
  EXPECT_EQ(e.timestamp_ms, 1700000000000);
  EXPECT_EQ(e.value, 4.5);
  EXPECT_EQ(e.recomm_id, "r1");
  ASSERT_EQ(e.context.size(), 3u);
  EXPECT_EQ(e.context[1], (std::pair<std::string, std::string>{"page", "3"}));
}

TEST(JsonCodec, ErrorsSayWhatAndWhere) {
  Event e;
  struct Case {
    std::string body, expected;
  } cases[] = {
      {R"({"user":"u","item":"i","type":"bought"})", "type: unknown event type 'bought'"},
      {R"({"user":"u","item":"i"})", "type: required"},
      {R"({"user":"u","item":"i","type":"view","timestamp":"yesterday"})", "timestamp: expected an integer"},
      {R"({"user":"u","item":"i","type":"view","timestamp":-5})", "timestamp: expected milliseconds"},
      {R"({"user":["u"],"item":"i","type":"view"})", "user: expected a string or an integer"},
      {R"({"user":"u","itme":"i","type":"view"})", "itme: unknown field"},
      {R"({"user":"u","item":"i","type":"view","timestamp":1700000000})", "which looks like seconds"},
      {R"({"user":"u","item":"i","type":"view")", "malformed JSON"},
      {"{\"user\":\"\xff\",\"type\":\"view\"}", "invalid UTF-8"},
      {"[1,2", "malformed JSON"},
      {"", "body: empty"},
      {R"("just a string")", "body: expected one JSON object"},
      {"{\n  \"user\": \"u\",\n  \"type\": \"view\"\n", "malformed JSON"},  // broken pretty-print
  };
  for (const Case& c : cases) {
    Status st = ParseOne(c.body, &e);
    ASSERT_TRUE(st.IsInvalidArgument()) << c.body;
    EXPECT_NE(st.message().find(c.expected), std::string::npos) << c.body << " -> " << st.message();
  }
}

TEST(JsonCodec, BatchesReportEachBadRecordByIndex) {
  for (const std::string& body : {std::string(R"([{"user":"u","item":"a","type":"view"},{"user":"u","type":"nope"},7])"),
                                 std::string("{\"user\":\"u\",\"item\":\"a\",\"type\":\"view\"}\n{\"user\":\"u\",\"type\":\"nope\"}\n7\n")}) {
    std::vector<Event> events;
    std::vector<Status> statuses;
    bool batch = false;
    ASSERT_TRUE(json::ParseEvents(body, &events, &statuses, &batch).ok()) << body;
    EXPECT_TRUE(batch);
    ASSERT_EQ(statuses.size(), 3u);
    EXPECT_TRUE(statuses[0].ok());
    EXPECT_EQ(statuses[1].message().rfind("events[1].type: unknown event type 'nope'", 0), 0u) << statuses[1].message();
    EXPECT_EQ(statuses[2].message().rfind("events[2]: expected", 0), 0u) << statuses[2].message();
  }
}

TEST(JsonCodec, PrettyPrintedObjectsAreOneRecord) {
  Event e;
  ASSERT_TRUE(ParseOne("{\n  \"user\": \"u\",\n  \"item\": \"i\",\n  \"type\": \"click\"\n}\n", &e).ok());
  EXPECT_EQ(e.type, EventType::kClick);
  std::string attributes;
  EXPECT_TRUE(json::ParseUserAttributes("{\n \"a\": 1\n}", &attributes).ok());
  EXPECT_EQ(attributes, R"({"a":1})");
  EXPECT_NE(json::ParseUserAttributes("[{}]", &attributes).message().find("body: expected one JSON object"),
            std::string::npos);
}

TEST(JsonCodec, ItemsAreStrictAndKeepProperties) {
  Item item;
  ASSERT_TRUE(json::ParseItem(R"({"title":"Kettle","categories":["home/kitchen"],"price":19.5,
      "available":false,"properties":{"color":"red","sizes":[1,2]}})", "k1", &item).ok());
  EXPECT_EQ(item.key, "k1");
  EXPECT_EQ(item.categories, std::vector<std::string>{"home/kitchen"});
  EXPECT_FALSE(item.available);
  EXPECT_EQ(item.properties_json, R"({"color":"red","sizes":[1,2]})");
  Item other;
  EXPECT_NE(json::ParseItem(R"({"id":"k2"})", "k1", &other).message().find("does not match"), std::string::npos);
  EXPECT_NE(json::ParseItem(R"({"price":"cheap"})", "k1", &other).message().find("price: expected a number"), std::string::npos);
  std::vector<Item> items;
  Status st = json::ParseItems(R"([{"id":"a"},{"title":"no id"}])", &items);
  EXPECT_NE(st.message().find("items[1].id: required"), std::string::npos) << st.message();
}

TEST(JsonCodec, ResponsesAreValidJson) {
  std::string body = json::RecommendationsBody({{"a\"b", 1.5, "itemknn", "because you viewed \"X\""}}, "r-1");
  EXPECT_EQ(body, R"({"recomm_id":"r-1","items":[{"item":"a\"b","score":1.5,"source":"itemknn","reason":"because you viewed \"X\""}]})");
  EXPECT_EQ(json::ErrorBody(Status::NotFound("item 'x'")), R"({"error":{"code":"not_found","message":"item 'x'"}})");
}

}  // namespace
}  // namespace recd
