#include "recd/engine.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>

#include "core/clock.h"
#include "tests/test_util.h"

namespace recd {
namespace {

using testing::MakeEvent;
using testing::OpenOrDie;
using testing::TempDir;
using testing::TestOptions;

std::vector<std::string> Keys(const std::vector<Recommendation>& list) {
  std::vector<std::string> keys;
  for (const auto& r : list) keys.push_back(r.item_key);
  return keys;
}

const Recommendation* FindRec(const std::vector<Recommendation>& list, const std::string& key) {
  for (const auto& r : list) {
    if (r.item_key == key) return &r;
  }
  return nullptr;
}

Item MakeItem(std::string key, std::string category) {
  Item item;
  item.key = key;
  item.title = "Title " + key;
  item.categories = {std::move(category)};
  return item;
}

// A shop where kettles k1/k2 go together and shoes s1/s2 go together; k1 is the most popular.
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenOrDie(TestOptions(dir_.path()));
    ASSERT_TRUE(engine_->UpsertItems({MakeItem("k1", "home/kitchen"), MakeItem("k2", "home/kitchen"),
                                      MakeItem("k3", "home/kitchen"), MakeItem("s1", "sports/shoes"),
                                      MakeItem("s2", "sports/shoes")}).ok());
    std::vector<Event> events;
    for (int u = 0; u < 10; ++u) {
      std::string user = "u" + std::to_string(u);
      if (u < 6) {
        events.push_back(MakeEvent(user, "k1", EventType::kView));
        events.push_back(MakeEvent(user, "k2", EventType::kView));
      } else {
        events.push_back(MakeEvent(user, "s1", EventType::kView));
        events.push_back(MakeEvent(user, "s2", EventType::kView));
      }
    }
    events.push_back(MakeEvent("u9", "k1", EventType::kPurchase));
    for (const Status& st : engine_->Ingest(events)) ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE(engine_->Retrain(/*wait=*/true).ok());
  }

  std::vector<Recommendation> For(const std::string& user, int n = 5) {
    RecommendRequest req;
    req.user_key = user;
    req.n = n;
    auto list = engine_->Recommend(req);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<Recommendation>{};
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, NewEventIsReflectedInTheVeryNextRecommendation) {
  ASSERT_TRUE(engine_->Ingest({MakeEvent("fresh", "s1", EventType::kView)})[0].ok());
  auto list = For("fresh");
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0].item_key, "s2");
  EXPECT_EQ(list[0].source, "itemknn");
  EXPECT_EQ(list[0].reason, "because you viewed Title s1");
}

TEST_F(EngineTest, PurchaseRemovesTheItemAndBringsItsNeighbours) {
  ASSERT_TRUE(engine_->Ingest({MakeEvent("buyer", "s2", EventType::kView)})[0].ok());
  EXPECT_NE(FindRec(For("buyer"), "s1"), nullptr);
  ASSERT_TRUE(engine_->Ingest({MakeEvent("buyer", "k1", EventType::kPurchase)})[0].ok());
  auto list = For("buyer");
  EXPECT_EQ(FindRec(list, "k1"), nullptr) << "bought item still recommended";
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0].item_key, "k2");
  EXPECT_EQ(list[0].reason, "because you bought Title k1");
}

TEST_F(EngineTest, HiddenUnavailableAndExpiredItemsAreNeverRecommended) {
  ASSERT_TRUE(engine_->HideItem("k2").ok());
  Item gone = MakeItem("s2", "sports/shoes");
  gone.available = false;
  Item expired = MakeItem("k3", "home/kitchen");
  expired.expires_ms = NowMs() - 1000;
  ASSERT_TRUE(engine_->UpsertItems({gone, expired}).ok());
  for (const Status& st : engine_->Ingest({MakeEvent("v", "k1", EventType::kView), MakeEvent("v", "s1", EventType::kView),
                                           MakeEvent("other", "k3", EventType::kView)})) {
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  std::vector<std::vector<Recommendation>> lists = {For("v", 10), *engine_->Popular(10, ""),
                                                    *engine_->Trending(10, ""), *engine_->Similar("k1", 10)};
  for (const auto& list : lists) {
    for (const char* banned : {"k2", "s2", "k3"}) EXPECT_EQ(FindRec(list, banned), nullptr) << banned;
  }
  EXPECT_TRUE(engine_->GetItem("k2")->hidden);
  EXPECT_TRUE(engine_->HideItem("nope").IsNotFound());
}

TEST_F(EngineTest, ColdShopperGetsTrendingItemsWithAReason) {
  auto list = For("never-seen", 3);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].item_key, "k1");  // most events, all of them just now
  EXPECT_EQ(list[0].source, "trending");
  EXPECT_EQ(list[0].reason, "trending now");
}

TEST_F(EngineTest, ANewShopperWithAttributesGetsTheirCohortsPopularItems) {
  // Shoppers in Lyon take the shoes, k1 stays the most popular overall.
  for (int u = 0; u < 3; ++u) {
    const std::string user = "lyon" + std::to_string(u);
    ASSERT_TRUE(engine_->UpsertUser({user, R"({"city": "Lyon", "email": "x@y"})"}).ok());
    ASSERT_TRUE(engine_->Ingest({MakeEvent(user, "s2", EventType::kView)})[0].ok());
  }
  ASSERT_TRUE(engine_->UpsertUser({"newcomer", R"({"city": "Lyon"})"}).ok());
  auto list = For("newcomer", 2);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].item_key, "s2");
  EXPECT_EQ(list[0].source, "cohort");
  EXPECT_EQ(list[0].reason, "popular with shoppers like you");
  EXPECT_EQ(For("never-seen", 1)[0].item_key, "k1");  // no attributes: trending, not Lyon's
  ASSERT_TRUE(engine_->UpsertUser({"parisian", R"({"city": "Paris"})"}).ok());
  EXPECT_EQ(For("parisian", 1)[0].source, "trending");  // a cohort without events yet
  // The cohorts are rebuilt from the stored users and events after a restart.
  engine_.reset();
  engine_ = OpenOrDie(TestOptions(dir_.path()));
  EXPECT_EQ(For("newcomer", 1)[0].item_key, "s2");
  // The first event switches to item-to-item at once.
  ASSERT_TRUE(engine_->Ingest({MakeEvent("newcomer", "k1", EventType::kView)})[0].ok());
  list = For("newcomer", 1);
  EXPECT_EQ(list[0].item_key, "k2");
  EXPECT_EQ(list[0].source, "itemknn");
}

TEST_F(EngineTest, CategoryAndExcludeFiltersApplyToEverySource) {
  RecommendRequest req;
  req.user_key = "u0";  // viewed k1, k2
  req.n = 10;
  req.category = "sports";
  auto list = engine_->Recommend(req);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Keys(*list), (std::vector<std::string>{"s1", "s2"}));
  req.exclude = {"s1"};
  EXPECT_EQ(Keys(*engine_->Recommend(req)), (std::vector<std::string>{"s2"}));
  req.category = "no-such-category";
  EXPECT_TRUE(engine_->Recommend(req)->empty());
  EXPECT_EQ(Keys(*engine_->Popular(1, "sports/shoes")).size(), 1u);
}

TEST_F(EngineTest, SimilarItemsComeFromTheNeighbourTable) {
  auto similar = engine_->Similar("s1", 1);
  ASSERT_TRUE(similar.ok());
  ASSERT_EQ(similar->size(), 1u);
  EXPECT_EQ((*similar)[0].item_key, "s2");
  EXPECT_EQ((*similar)[0].reason, "similar to Title s1");
  EXPECT_TRUE(engine_->Similar("unknown", 5).status().IsNotFound());
}

TEST_F(EngineTest, InvalidEventsAreReportedPerRecordAndNotStored) {
  const uint64_t before = engine_->Stats().events_total;
  Event no_item = MakeEvent("u", "", EventType::kView);
  Event no_shopper = MakeEvent("", "k1", EventType::kView);
  Event bad_rating = MakeEvent("u", "k1", EventType::kRating);
  bad_rating.value = 7;
  Event future = MakeEvent("u", "k1", EventType::kView, NowMs() + 10LL * 24 * 3600 * 1000);
  Event search = MakeEvent("u", "", EventType::kSearch);
  std::vector<Status> st = engine_->Ingest({no_item, MakeEvent("u", "k1", EventType::kClick), no_shopper,
                                            bad_rating, future, search});
  ASSERT_EQ(st.size(), 6u);
  EXPECT_TRUE(st[1].ok());
  EXPECT_NE(st[0].message().find("item: required"), std::string::npos) << st[0].message();
  EXPECT_NE(st[2].message().find("user"), std::string::npos);
  EXPECT_NE(st[3].message().find("value: a rating must be between 0.5 and 5"), std::string::npos);
  EXPECT_NE(st[4].message().find("timestamp"), std::string::npos);
  EXPECT_NE(st[5].message().find("query: required"), std::string::npos);
  EXPECT_EQ(engine_->Stats().events_total, before + 1);
  engine_.reset();
  engine_ = OpenOrDie(TestOptions(dir_.path()));
  EXPECT_EQ(engine_->Stats().events_total, before + 1);
}

TEST_F(EngineTest, RestartRestoresStateAndGivesTheSameRecommendations) {
  for (const Status& st : engine_->Ingest({MakeEvent("r", "s1", EventType::kView), MakeEvent("r", "k1", EventType::kPurchase)})) {
    ASSERT_TRUE(st.ok());
  }
  ASSERT_TRUE(engine_->UpsertUser({"r", R"({"tier":"gold"})"}).ok());
  auto before = For("r", 10);
  auto popular_before = *engine_->Popular(10, "");
  ModelInfo model_before = engine_->CurrentModel();
  EngineStats stats_before = engine_->Stats();
  engine_.reset();
  engine_ = OpenOrDie(TestOptions(dir_.path()));
  auto after = For("r", 10);
  ASSERT_EQ(Keys(after), Keys(before));
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].reason, before[i].reason);
  EXPECT_EQ(Keys(*engine_->Popular(10, "")), Keys(popular_before));
  EXPECT_EQ(engine_->CurrentModel().version, model_before.version);
  EXPECT_EQ(engine_->Stats().events_total, stats_before.events_total);
  EXPECT_EQ(engine_->Stats().users, stats_before.users);
  EXPECT_EQ(engine_->GetUser("r")->attributes_json, R"({"tier":"gold"})");
  EXPECT_EQ(engine_->GetItem("k1")->title, "Title k1");
}

TEST_F(EngineTest, RetrainBuildsANewVersionFromAllEvents) {
  ModelInfo first = engine_->CurrentModel();
  ASSERT_TRUE(engine_->Ingest({MakeEvent("x", "k3", EventType::kView), MakeEvent("x", "k1", EventType::kView)})[0].ok());
  ASSERT_TRUE(engine_->Retrain(true).ok());
  ModelInfo second = engine_->CurrentModel();
  EXPECT_EQ(second.version, first.version + 1);
  EXPECT_EQ(second.events_used, first.events_used + 2);
  EXPECT_EQ(second.spec, "itemknn(k=50,sim=cosine,shrink=0)");
  EXPECT_EQ(engine_->Stats().events_since_build, 0u);
}

TEST_F(EngineTest, ShoppersWithoutItemEventsGetPopularItems) {
  ASSERT_TRUE(engine_->UpsertUser({"attributes-only", "{}"}).ok());
  Event search;
  search.session_key = "searcher";
  search.type = EventType::kSearch;
  search.query = "kettle";
  ASSERT_TRUE(engine_->Ingest({search, MakeEvent("later", "s1", EventType::kView)})[0].ok());
  auto list = For("attributes-only", 2);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].source, "trending");
  RecommendRequest by_session;
  by_session.session_key = "searcher";
  ASSERT_TRUE(engine_->Recommend(by_session).ok());
  EXPECT_TRUE(engine_->History("attributes-only", "")->empty());
  EXPECT_TRUE(engine_->History("", "searcher")->empty());
  EXPECT_TRUE(engine_->History("nobody", "").status().IsNotFound());
}

TEST_F(EngineTest, SessionHistoryServesAShopperWithoutOne) {
  Event view = MakeEvent("", "s1", EventType::kView);
  view.session_key = "web-1";
  ASSERT_TRUE(engine_->Ingest({view})[0].ok());
  RecommendRequest req;
  req.user_key = "brand-new-user";
  req.session_key = "web-1";
  auto list = engine_->Recommend(req);
  ASSERT_TRUE(list.ok());
  ASSERT_FALSE(list->empty());
  EXPECT_EQ((*list)[0].item_key, "s2");
  auto history = engine_->History("", "web-1");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].item_key, "s1");
}

TEST_F(EngineTest, ListLengthIsCappedAtMaxN) {
  auto list = engine_->Popular(std::numeric_limits<int>::max(), "");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 4u);  // every item with events (k3 has none), no INT_MAX allocation
}

TEST_F(EngineTest, HistoryIsNewestFirstAndBounded) {
  Options small = TestOptions(dir_.path());
  small.history_size = 3;
  engine_.reset();
  engine_ = OpenOrDie(small);
  for (const char* item : {"k1", "k2", "k3", "s1"}) {
    ASSERT_TRUE(engine_->Ingest({MakeEvent("h", item, EventType::kView)})[0].ok());
  }
  auto history = engine_->History("h", "");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].item_key, "s1");
  EXPECT_EQ((*history)[2].item_key, "k2");
}

TEST_F(EngineTest, BlendedModelsJoinTheListAndSurviveARestart) {
  Options options = TestOptions(dir_.path());
  options.blend_models = {"0.5*ease(l2=1)", "sar"};
  engine_.reset();
  engine_ = OpenOrDie(options);
  ASSERT_TRUE(engine_->Retrain(true).ok());
  ModelInfo info = engine_->CurrentModel();
  ASSERT_EQ(info.blend.size(), 2u);
  EXPECT_EQ(info.blend[0].spec, "ease(l2=1)");
  EXPECT_EQ(info.blend[0].weight, 0.5);
  EXPECT_EQ(info.blend[1].spec, "sar(sim=jaccard,half_life_days=30,threshold=1)");
  ASSERT_TRUE(engine_->Ingest({MakeEvent("b", "s1", EventType::kView)})[0].ok());
  auto list = For("b", 3);
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0].item_key, "s2");
  EXPECT_EQ(list[0].source, "blend");
  EXPECT_EQ(list[0].reason, "because you viewed Title s1");
  // The stored snapshot brings the blended models back as they were.
  engine_.reset();
  engine_ = OpenOrDie(options);
  EXPECT_EQ(engine_->CurrentModel().version, info.version);
  ASSERT_EQ(engine_->CurrentModel().blend.size(), 2u);
  auto again = For("b", 3);
  ASSERT_EQ(again.size(), list.size());
  for (size_t i = 0; i < list.size(); ++i) EXPECT_EQ(again[i].item_key, list[i].item_key);
}

TEST_F(EngineTest, ContentModelInTheBlendRecommendsItemsNoOneHasTouched) {
  // k3 has no events: neither item-kNN nor popularity can propose it.
  ASSERT_TRUE(engine_->Ingest({MakeEvent("c", "k1", EventType::kView)})[0].ok());
  EXPECT_EQ(FindRec(For("c", 5), "k3"), nullptr);
  Options options = TestOptions(dir_.path());
  options.blend_models = {"content"};
  engine_.reset();
  engine_ = OpenOrDie(options);
  ASSERT_TRUE(engine_->Retrain(true).ok());
  ASSERT_EQ(engine_->CurrentModel().blend.size(), 1u);
  EXPECT_EQ(engine_->CurrentModel().blend[0].spec, "content(fields=title,brand,categories)");
  auto list = For("c", 5);
  const Recommendation* k3 = FindRec(list, "k3");  // shares "home kitchen" with k1
  ASSERT_NE(k3, nullptr);
  EXPECT_EQ(k3->source, "blend");
  const Recommendation* s2 = FindRec(list, "s2");  // a shoe: nothing in common with a kettle
  if (s2 != nullptr) {
    EXPECT_LT(s2->score, k3->score);
  }
}

TEST_F(EngineTest, ExplorationGivesTheListsTailToNewItems) {
  Options options = TestOptions(dir_.path());
  options.exploration_share = 0.25;  // one place in a list of four
  options.exploration_max_events = 2;
  engine_.reset();
  engine_ = OpenOrDie(options);
  engine_->WaitForBackgroundWork();
  ASSERT_TRUE(engine_->Ingest({MakeEvent("x", "k1", EventType::kView)})[0].ok());
  auto list = For("x", 4);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[3].item_key, "k3");  // described, no events: new; its title is like k1's
  EXPECT_EQ(list[3].source, "content");
  EXPECT_EQ(list[3].reason, "with a description like Title k1");
  EXPECT_EQ(list[0].item_key, "k2");  // the personalized head is untouched
  // Two events make k3 no longer new; a list of three has no place for exploration.
  for (const char* u : {"y1", "y2"}) ASSERT_TRUE(engine_->Ingest({MakeEvent(u, "k3", EventType::kView)})[0].ok());
  for (const Recommendation& r : For("x", 4)) EXPECT_NE(r.source, "explore") << r.item_key;
  for (const Recommendation& r : For("x", 3)) EXPECT_NE(r.source, "explore") << r.item_key;
}

TEST_F(EngineTest, ANewItemIsRecommendedThroughContentBeforeTheNextRetrain) {
  Options options = TestOptions(dir_.path());
  options.exploration_share = 0.25;  // one place in a list of four
  engine_.reset();
  engine_ = OpenOrDie(options);
  Item shoe = MakeItem("s1", "sports/shoes");
  shoe.title = "Trail running shoe";
  Item pan = MakeItem("p1", "books/cooking");
  pan.title = "Cast iron pan";
  Item new_shoe = MakeItem("s9", "sports/shoes");
  new_shoe.title = "Trail running shoe, waterproof";
  ASSERT_TRUE(engine_->UpsertItems({shoe, pan, new_shoe}).ok());  // s9 is the newest
  engine_->WaitForBackgroundWork();  // s9 filed under the items like it
  ASSERT_TRUE(engine_->Ingest({MakeEvent("x", "s1", EventType::kView)})[0].ok());
  auto list = For("x", 4);
  ASSERT_EQ(list.size(), 4u);
  // The neighbour table's items, then the explored place (before any popular backfill): s9,
  // unknown to the model, found by its text.
  EXPECT_EQ(list[0].item_key, "s2");
  const Recommendation* explored = FindRec(list, "s9");
  ASSERT_NE(explored, nullptr) << ::testing::PrintToString(Keys(list));
  EXPECT_EQ(explored->source, "content");
  EXPECT_EQ(explored->reason, "with a description like Trail running shoe");
  // A shopper with nothing alike gets the newest new item instead.
  ASSERT_TRUE(engine_->UpsertItems({MakeItem("z1", "garden/tools")}).ok());
  ASSERT_TRUE(engine_->Ingest({MakeEvent("y", "p1", EventType::kView)})[0].ok());
  list = For("y", 4);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].item_key, "z1");
  EXPECT_EQ(list[0].source, "explore");
}

TEST_F(EngineTest, AViewOfAnItemTheModelDoesNotKnowLeadsToItsLookAlikes) {
  Item shoe = MakeItem("n1", "sports/shoes");
  shoe.title = "Trail running shoe";
  ASSERT_TRUE(engine_->UpsertItems({shoe}).ok());  // after the last build: no neighbours
  ASSERT_TRUE(engine_->Ingest({MakeEvent("first-timer", "n1", EventType::kView)})[0].ok());
  auto list = For("first-timer", 2);
  ASSERT_EQ(list.size(), 2u);
  for (const Recommendation& r : list) {
    EXPECT_TRUE(r.item_key == "s1" || r.item_key == "s2") << r.item_key;  // the other shoes
    EXPECT_EQ(r.source, "content");
    EXPECT_EQ(r.reason, "with a description like Trail running shoe");
  }
}

TEST_F(EngineTest, UsersWithAnItemInTheirCartOrViewed) {
  ASSERT_TRUE(engine_->Ingest({MakeEvent("c1", "k3", EventType::kAddToCart), MakeEvent("c2", "k3", EventType::kAddToCart),
                               MakeEvent("c3", "k3", EventType::kAddToCart), MakeEvent("c2", "k3", EventType::kRemoveFromCart),
                               MakeEvent("c3", "k3", EventType::kPurchase), MakeEvent("c1", "k3", EventType::kAddToCart)})[0]
                  .ok());
  EXPECT_EQ(engine_->UsersWith("k3", /*in_cart=*/true), std::vector<std::string>{"c1"});
  std::vector<std::string> viewers = engine_->UsersWith("s1", /*in_cart=*/false);
  std::sort(viewers.begin(), viewers.end());
  EXPECT_EQ(viewers, (std::vector<std::string>{"u6", "u7", "u8", "u9"}));
  EXPECT_TRUE(engine_->UsersWith("no-such-item", true).empty());
  engine_.reset();  // rebuilt from the log
  engine_ = OpenOrDie(TestOptions(dir_.path()));
  EXPECT_EQ(engine_->UsersWith("k3", true), std::vector<std::string>{"c1"});
}

TEST(EngineSessions, SessionModelsServeTheLiveSessionAndChangeWithTheNextView) {
  TempDir dir;
  Options options = TestOptions(dir.path());
  options.blend_models = {"vsknn(k=50)", "sr"};
  auto engine = OpenOrDie(options);
  // Sessions walk a -> b -> c or x -> y -> z.
  std::vector<Event> events;
  for (int s = 0; s < 12; ++s) {
    const char* path[] = {"a", "b", "c"};
    const char* other[] = {"x", "y", "z"};
    for (int k = 0; k < 3; ++k) {
      Event e;
      e.session_key = "s" + std::to_string(s);
      e.item_key = s % 2 ? other[k] : path[k];
      e.type = EventType::kView;
      e.timestamp_ms = 1700000000000 + s * 100000 + k * 1000;
      events.push_back(e);
    }
  }
  for (const Status& st : engine->Ingest(events)) ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(engine->Retrain(true).ok());
  ASSERT_EQ(engine->CurrentModel().blend.size(), 2u);
  auto view = [&](const std::string& item) {
    Event e;
    e.session_key = "live";
    e.item_key = item;
    e.type = EventType::kView;
    ASSERT_TRUE(engine->Ingest({e})[0].ok());
  };
  RecommendRequest req;
  req.session_key = "live";
  req.n = 2;
  view("a");
  auto first = engine->Recommend(req);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->empty());
  EXPECT_EQ((*first)[0].item_key, "b");
  view("y");  // the session turns to the other path: the very next list follows it
  auto second = engine->Recommend(req);
  ASSERT_TRUE(second.ok());
  ASSERT_FALSE(second->empty());
  EXPECT_EQ((*second)[0].item_key, "z");
  EXPECT_EQ((*second)[0].source, "blend");
}

TEST(EngineSessions, UserEventsAreCutIntoSessionsByInactivity) {
  TempDir dir;
  auto engine = OpenOrDie(TestOptions(dir.path()));
  const int64_t t0 = NowMs() - 3600 * 1000;
  ASSERT_TRUE(engine->Ingest({MakeEvent("u", "a", EventType::kView, t0), MakeEvent("u", "b", EventType::kView, t0 + 60000)})[0].ok());
  ASSERT_TRUE(engine->Ingest({MakeEvent("u", "c", EventType::kView, t0 + 40 * 60000)})[0].ok());  // 39 minutes later
  auto first = engine->History("", "u@" + std::to_string(t0));
  auto second = engine->History("", "u@" + std::to_string(t0 + 40 * 60000));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(first->size(), 2u);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].item_key, "c");
  EXPECT_EQ(engine->History("u", "")->size(), 3u);
}

TEST(EngineSessions, AnAnonymousSessionJoinsItsUserWhenLoggedIn) {
  TempDir dir;
  auto engine = OpenOrDie(TestOptions(dir.path()));
  Event anonymous = MakeEvent("", "a", EventType::kView);
  anonymous.session_key = "web";
  ASSERT_TRUE(engine->Ingest({anonymous})[0].ok());
  Event logged_in = MakeEvent("alice", "b", EventType::kView);
  logged_in.session_key = "web";
  ASSERT_TRUE(engine->Ingest({logged_in})[0].ok());
  auto history = engine->History("alice", "");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);  // the anonymous view came along
  EXPECT_EQ((*history)[0].item_key, "b");
  EXPECT_EQ((*history)[1].item_key, "a");
  // Linking survives a restart (the log replays the same way).
  engine.reset();
  engine = OpenOrDie(TestOptions(dir.path()));
  EXPECT_EQ(engine->History("alice", "")->size(), 2u);
}

TEST(EngineSessions, IdleSessionsExpire) {
  TempDir dir;
  Options options = TestOptions(dir.path());
  options.session_ttl_minutes = 60;
  auto engine = OpenOrDie(options);
  Event old_view = MakeEvent("", "a", EventType::kView, NowMs() - 2 * 3600 * 1000);
  old_view.session_key = "stale";
  Event fresh_view = MakeEvent("", "a", EventType::kView);
  fresh_view.session_key = "fresh";
  ASSERT_TRUE(engine->Ingest({old_view, fresh_view})[0].ok());
  EXPECT_TRUE(engine->History("", "stale")->empty());
  EXPECT_EQ(engine->History("", "fresh")->size(), 1u);
}

TEST_F(EngineTest, ABadBlendSpecFailsTheRetrainAndKeepsServing) {
  Options options = TestOptions(dir_.path());
  options.blend_models = {"ease(lambda=3)"};
  engine_.reset();
  engine_ = OpenOrDie(options);  // the stored snapshot is served at once
  const uint64_t version = engine_->CurrentModel().version;
  Status st = engine_->Retrain(true);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("unknown parameter 'lambda'"), std::string::npos) << st.message();
  EXPECT_EQ(engine_->CurrentModel().version, version);
  EXPECT_FALSE(For("u0").empty());
}

TEST_F(EngineTest, StartServesTheStoredSnapshotAndRetrainsInTheBackground) {
  const ModelInfo before = engine_->CurrentModel();
  ASSERT_TRUE(engine_->Ingest({MakeEvent("late", "k3", EventType::kView), MakeEvent("late", "k2", EventType::kView)})[0].ok());
  engine_.reset();
  engine_ = OpenOrDie(TestOptions(dir_.path()));
  // Served at once: the stored snapshot, or already the retrained one.
  EXPECT_GE(engine_->CurrentModel().version, before.version);
  // The trainer catches up with the two events that came after the stored snapshot.
  for (int i = 0; i < 200 && engine_->CurrentModel().events_used < before.events_used + 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(engine_->CurrentModel().events_used, before.events_used + 2);
  EXPECT_EQ(engine_->CurrentModel().version, before.version + 1);
}

TEST_F(EngineTest, ReadersNeverFailWhileSnapshotsAreSwapped) {
  Options options = TestOptions(dir_.path());
  options.blend_models = {"ease(l2=1)", "als(factors=4,iters=3)"};
  engine_.reset();
  engine_ = OpenOrDie(options);
  ASSERT_TRUE(engine_->Retrain(true).ok());
  const uint64_t first = engine_->CurrentModel().version;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0}, empty{0}, reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      RecommendRequest req;
      req.user_key = "u0";
      req.n = 3;
      while (!stop) {
        auto list = engine_->Recommend(req);
        failures += !list.ok();
        empty += list.ok() && list->empty();
        ++reads;
      }
    });
  }
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(engine_->Retrain(true).ok());
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(engine_->CurrentModel().version, first + 10);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(empty.load(), 0);
}

TEST(EngineConcurrency, ConcurrentWritersAreGroupCommittedWithoutLoss) {
  TempDir dir;
  auto engine = OpenOrDie(TestOptions(dir.path()));
  constexpr int kThreads = 4, kPerThread = 300;
  std::vector<std::thread> threads;
  std::atomic<int> acknowledged{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto st = engine->Ingest({MakeEvent("t" + std::to_string(t), "i" + std::to_string(i), EventType::kView)});
        if (st[0].ok()) ++acknowledged;
      }
    });
  }
  // Readers run alongside the writers.
  std::thread reader([&] {
    RecommendRequest req;
    req.user_key = "t0";
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(engine->Recommend(req).ok());
  });
  for (auto& t : threads) t.join();
  reader.join();
  EXPECT_EQ(acknowledged.load(), kThreads * kPerThread);
  EXPECT_EQ(engine->Stats().events_total, uint64_t{kThreads * kPerThread});
  EXPECT_EQ(engine->Stats().items, uint64_t{kPerThread});
  engine.reset();
  engine = OpenOrDie(TestOptions(dir.path()));
  EXPECT_EQ(engine->Stats().events_total, uint64_t{kThreads * kPerThread});
}

TEST(EngineEmpty, AnEmptyShopAnswersWithEmptyLists) {
  TempDir dir;
  auto engine = OpenOrDie(TestOptions(dir.path()));
  RecommendRequest req;
  req.user_key = "anyone";
  EXPECT_TRUE(engine->Recommend(req)->empty());
  EXPECT_TRUE(engine->Popular(5, "")->empty());
  EXPECT_EQ(engine->CurrentModel().version, 0u);
  EXPECT_TRUE(engine->Retrain(true).ok());
}

}  // namespace
}  // namespace recd
