// Search through the engine: indexing, English stemming, Chinese n-grams, filters inside the
// search, personalization, rebuild after the index files are deleted, new items at once.
#include <gtest/gtest.h>

#include <filesystem>

#include "recd/engine.h"
#include "tests/test_util.h"

namespace recd {
namespace {

using testing::MakeEvent;
using testing::OpenOrDie;
using testing::TempDir;
using testing::TestOptions;

Item MakeItem(std::string key, std::string title, std::string category, double price, std::string brand = "") {
  Item item;
  item.key = std::move(key);
  item.title = std::move(title);
  item.categories = {std::move(category)};
  item.price = price;
  item.brand = std::move(brand);
  return item;
}

std::vector<std::string> Keys(const Result<std::vector<SearchHit>>& hits) {
  std::vector<std::string> keys;
  if (hits.ok()) {
    for (const SearchHit& h : *hits) keys.push_back(h.item_key);
  }
  return keys;
}

SearchRequest Query(std::string q, std::string user = "") {
  SearchRequest req;
  req.query = std::move(q);
  req.user_key = std::move(user);
  req.n = 10;
  return req;
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenOrDie(TestOptions(dir_.path()));
    ASSERT_TRUE(engine_->UpsertItems({
        MakeItem("k1", "Electric Kettle Steel", "home/kitchen", 40, "Acme"),
        MakeItem("k2", "Glass Kettle", "home/kitchen", 25, "Brio"),
        MakeItem("h1", "Wireless Headphones", "electronics/audio", 120, "Acme"),
        MakeItem("c1", "无线蓝牙耳机 降噪", "electronics/audio", 80),
        MakeItem("c2", "蓝牙音箱 Bluetooth speaker", "electronics/audio", 60),
    }).ok());
  }
  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(SearchTest, EnglishQueriesAreStemmed) {
  EXPECT_EQ(Keys(engine_->Search(Query("kettles"))).size(), 2u);
  EXPECT_EQ(Keys(engine_->Search(Query("headphone"))), std::vector<std::string>{"h1"});
  EXPECT_EQ(Keys(engine_->Search(Query("acme"))).size(), 2u);  // brand
  EXPECT_EQ(Keys(engine_->Search(Query("kitchen"))).size(), 2u);  // category path
  EXPECT_TRUE(engine_->Search(Query("  ")).status().IsInvalidArgument());
}

TEST(SearchLanguages, OtherSnowballLanguagesStemAndUnknownOnesAreRejected) {
  TempDir dir;
  Options options = TestOptions(dir.path());
  options.search_language = "german";
  auto engine = OpenOrDie(options);
  ASSERT_TRUE(engine->UpsertItems({MakeItem("g1", "Rote Schuhe", "mode/schuhe", 50),
                                   MakeItem("g2", "Wasserkocher aus Edelstahl", "haushalt/küche", 30)}).ok());
  EXPECT_EQ(Keys(engine->Search(Query("schuh"))), std::vector<std::string>{"g1"});  // schuhe -> schuh
  EXPECT_EQ(Keys(engine->Search(Query("wasserkochers"))), std::vector<std::string>{"g2"});
  engine.reset();
  TempDir other;
  Options bad = TestOptions(other.path());
  bad.search_language = "klingon";
  Result<std::unique_ptr<Engine>> refused = Engine::Open(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().ToString().find("search.language"), std::string::npos) << refused.status().ToString();
}

TEST_F(SearchTest, ChineseQueriesFindNgramsInTitles) {
  EXPECT_EQ(Keys(engine_->Search(Query("蓝牙耳机")))[0], "c1");
  std::vector<std::string> bluetooth = Keys(engine_->Search(Query("蓝牙")));
  EXPECT_EQ(bluetooth.size(), 2u);
  EXPECT_EQ(Keys(engine_->Search(Query("bluetooth"))), std::vector<std::string>{"c2"});  // mixed title
}

TEST_F(SearchTest, FiltersApplyInsideTheSearch) {
  SearchRequest cheap = Query("kettle");
  cheap.max_price = 30;
  EXPECT_EQ(Keys(engine_->Search(cheap)), std::vector<std::string>{"k2"});
  SearchRequest audio = Query("acme");
  audio.category = "electronics";
  EXPECT_EQ(Keys(engine_->Search(audio)), std::vector<std::string>{"h1"});
  ASSERT_TRUE(engine_->HideItem("k2").ok());
  EXPECT_EQ(Keys(engine_->Search(Query("kettle"))), std::vector<std::string>{"k1"});
}

TEST_F(SearchTest, PersonalizationReordersForDifferentShoppers) {
  // Shoppers of the steel kettle also take the headphones; shoppers of the glass kettle, the
  // speaker. A buyer of headphones should see the steel kettle first, a buyer of the speaker the
  // glass one.
  std::vector<Event> events;
  for (int u = 0; u < 6; ++u) {
    events.push_back(MakeEvent("p" + std::to_string(u), u < 3 ? "k1" : "k2", EventType::kView));
    events.push_back(MakeEvent("p" + std::to_string(u), u < 3 ? "h1" : "c2", EventType::kView));
  }
  for (const Status& st : engine_->Ingest(events)) ASSERT_TRUE(st.ok());
  ASSERT_TRUE(engine_->Retrain(true).ok());
  ASSERT_TRUE(engine_->Ingest({MakeEvent("likes-acme", "h1", EventType::kPurchase)})[0].ok());
  ASSERT_TRUE(engine_->Ingest({MakeEvent("likes-speakers", "c2", EventType::kPurchase)})[0].ok());
  std::vector<std::string> a = Keys(engine_->Search(Query("kettle", "likes-acme")));
  std::vector<std::string> b = Keys(engine_->Search(Query("kettle", "likes-speakers")));
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(a[0], "k1");
  EXPECT_EQ(b[0], "k2");
  auto explained = engine_->Search(Query("kettle", "likes-acme"));
  EXPECT_GT((*explained)[0].affinity, (*explained)[1].affinity);
}

TEST_F(SearchTest, ANewItemIsSearchableAtOnceAndTheIndexRebuildsItself) {
  ASSERT_TRUE(engine_->UpsertItems({MakeItem("n1", "Ceramic Teapot", "home/kitchen", 30)}).ok());
  EXPECT_EQ(Keys(engine_->Search(Query("teapot"))), std::vector<std::string>{"n1"});
  engine_.reset();
  std::filesystem::remove_all(dir_.Sub("search"));
  engine_ = OpenOrDie(TestOptions(dir_.path()));
  EXPECT_EQ(Keys(engine_->Search(Query("teapot"))), std::vector<std::string>{"n1"});
  EXPECT_EQ(Keys(engine_->Search(Query("kettle"))).size(), 2u);
}

TEST_F(SearchTest, ChosenPropertiesAreIndexedAndAChangeOfFieldsReindexes) {
  Item teapot = MakeItem("n1", "Teapot", "home/kitchen", 30);
  teapot.properties_json = R"({"tags": ["porcelain", "gift"], "material": "stoneware", "size": 3})";
  ASSERT_TRUE(engine_->UpsertItems({teapot}).ok());
  EXPECT_EQ(Keys(engine_->Search(Query("porcelain"))), std::vector<std::string>{"n1"});  // tags by default
  EXPECT_TRUE(Keys(engine_->Search(Query("stoneware"))).empty());
  engine_.reset();
  Options options = TestOptions(dir_.path());
  options.search_properties = {"material"};
  engine_ = OpenOrDie(options);  // built with other fields: rebuilt from the catalog
  EXPECT_EQ(Keys(engine_->Search(Query("stoneware"))), std::vector<std::string>{"n1"});
  EXPECT_TRUE(Keys(engine_->Search(Query("porcelain"))).empty());
  EXPECT_EQ(Keys(engine_->Search(Query("kettle"))).size(), 2u);
}

TEST_F(SearchTest, ChoicesAfterASearchAreAttributedToItsQueryAndRankItsHits) {
  auto first = engine_->Search(Query("kettle"));
  ASSERT_EQ(Keys(first).size(), 2u);
  const std::string loser = Keys(first)[1];
  // Three shoppers search "kettle" and put the second hit in their cart from that list.
  for (int u = 0; u < 3; ++u) {
    const std::string user = "s" + std::to_string(u), recomm_id = "r-" + std::to_string(u);
    Event search = MakeEvent(user, "", EventType::kSearch);
    search.query = "Kettle ";
    search.recomm_id = recomm_id;
    Event cart = MakeEvent(user, loser, EventType::kAddToCart);
    cart.recomm_id = recomm_id;
    for (const Status& st : engine_->Ingest({search, cart})) ASSERT_TRUE(st.ok()) << st.ToString();
  }
  Event stray = MakeEvent("s9", "k1", EventType::kPurchase);
  stray.recomm_id = "r-unknown";  // no search under this id: attributed to nothing
  ASSERT_TRUE(engine_->Ingest({stray})[0].ok());
  auto after = engine_->Search(Query("KETTLE"));
  ASSERT_EQ(Keys(after).size(), 2u);
  EXPECT_EQ(Keys(after)[0], loser);
  EXPECT_DOUBLE_EQ((*after)[0].chosen, 12.0 / 22.0);  // three carts of weight 4
  EXPECT_DOUBLE_EQ((*after)[1].chosen, 0.0);
  EXPECT_NE((*after)[0].reason.find("often chosen for this search"), std::string::npos);
  EXPECT_DOUBLE_EQ((*engine_->Search(Query("glass kettle")))[0].chosen, 0.0);  // another query
  engine_.reset();  // attribution is rebuilt from the event log
  engine_ = OpenOrDie(TestOptions(dir_.path()));
  EXPECT_EQ(Keys(engine_->Search(Query("kettle")))[0], loser);
}

TEST_F(SearchTest, SuggestionsCompleteFromTitlesAndPastQueries) {
  Event search = MakeEvent("u", "", EventType::kSearch);
  search.query = "Kettle Descaler";
  ASSERT_TRUE(engine_->Ingest({search, search})[0].ok());
  auto got = engine_->Suggest("ket", 5);
  ASSERT_TRUE(got.ok());
  ASSERT_GE(got->size(), 2u);
  EXPECT_EQ((*got)[0], "kettle");           // a title word in two items
  EXPECT_EQ((*got)[1], "kettle descaler");  // a past query, searched twice
  EXPECT_EQ(*engine_->Suggest("glass ket", 1), std::vector<std::string>{"glass kettle"});
  EXPECT_TRUE(engine_->Suggest(" ", 5).status().IsInvalidArgument());
  // Rebuilt from the store on restart.
  engine_.reset();
  engine_ = OpenOrDie(TestOptions(dir_.path()));
  EXPECT_EQ(engine_->Suggest("kettle d", 1)->at(0), "kettle descaler");
}

TEST_F(SearchTest, ANewItemGetsSimilarItemsFromItsDescriptionAtOnce) {
  ASSERT_TRUE(engine_->UpsertItems({MakeItem("n2", "Stainless Electric Kettle", "home/kitchen", 35)}).ok());
  auto similar = engine_->Similar("n2", 3);
  ASSERT_TRUE(similar.ok());
  ASSERT_FALSE(similar->empty());
  EXPECT_EQ((*similar)[0].item_key, "k1");  // shares "electric kettle"
  EXPECT_EQ((*similar)[0].source, "content");
  EXPECT_EQ((*similar)[0].reason, "with a description like Stainless Electric Kettle");
  for (const Recommendation& r : *similar) EXPECT_NE(r.item_key, "n2");
}

}  // namespace
}  // namespace recd
