#include <gtest/gtest.h>

#include "catalog/catalog.h"

namespace recd {
namespace {

Item Make(std::string key, std::vector<std::string> categories) {
  Item item;
  item.key = std::move(key);
  item.title = "Title of " + item.key;
  item.categories = std::move(categories);
  return item;
}

TEST(Catalog, CategoryFilterMatchesPathAndParents) {
  Catalog catalog;
  catalog.Upsert(0, Make("a", {"electronics/audio/headphones"}));
  catalog.Upsert(1, Make("b", {"electronics/phones", "gifts"}));
  auto electronics = catalog.FindCategory("electronics");
  auto audio = catalog.FindCategory("electronics/audio/");
  auto gifts = catalog.FindCategory("gifts");
  ASSERT_TRUE(electronics && audio && gifts);
  EXPECT_TRUE(catalog.InCategory(0, *electronics));
  EXPECT_TRUE(catalog.InCategory(1, *electronics));
  EXPECT_TRUE(catalog.InCategory(0, *audio));
  EXPECT_FALSE(catalog.InCategory(1, *audio));
  EXPECT_TRUE(catalog.InCategory(1, *gifts));
  EXPECT_FALSE(catalog.FindCategory("electro").has_value());  // prefixes only at '/'
}

TEST(Catalog, UpsertReplacesCategories) {
  Catalog catalog;
  catalog.Upsert(0, Make("a", {"toys"}));
  catalog.Upsert(0, Make("a", {"books"}));
  EXPECT_FALSE(catalog.InCategory(0, *catalog.FindCategory("toys")));
  EXPECT_TRUE(catalog.InCategory(0, *catalog.FindCategory("books")));
  EXPECT_EQ(catalog.described(), 1u);
}

TEST(Catalog, RecommendableHonoursAvailabilityHiddenAndExpiry) {
  Catalog catalog;
  Item hidden = Make("h", {}), gone = Make("g", {}), expired = Make("e", {}), fine = Make("f", {});
  hidden.hidden = true;
  gone.available = false;
  expired.expires_ms = 1000;
  fine.expires_ms = 5000;
  catalog.Upsert(0, hidden);
  catalog.Upsert(1, gone);
  catalog.Upsert(2, expired);
  catalog.Upsert(3, fine);
  catalog.Reserve(5);
  EXPECT_FALSE(catalog.Recommendable(0, 2000));
  EXPECT_FALSE(catalog.Recommendable(1, 2000));
  EXPECT_FALSE(catalog.Recommendable(2, 2000));
  EXPECT_TRUE(catalog.Recommendable(3, 2000));
  EXPECT_FALSE(catalog.Recommendable(3, 6000));
  EXPECT_TRUE(catalog.Recommendable(4, 2000));  // known from events only
}

TEST(Catalog, PropertyValuesReadNamedStringsNumbersAndArrays) {
  const std::string json = R"({"tags": ["a b", 7, {"x": 1}, true], "material": "oak", "note": null, "n": 2.5})";
  const std::vector<std::string> names = {"material", "tags", "note", "n", "absent"};
  EXPECT_EQ(PropertyValues(json, names), (std::vector<std::string>{"oak", "a b", "7", "true", "2.5"}));
  EXPECT_TRUE(PropertyValues("not json", names).empty());
  EXPECT_TRUE(PropertyValues(json, {}).empty());
}

TEST(ItemCodec, RoundTripsAndRejectsTruncation) {
  Item item = Make("sku-1", {"a/b", "c"});
  item.price = 9.5;
  item.brand = "Acme";
  item.hidden = true;
  item.properties_json = R"({"color":"red"})";
  std::string bytes;
  EncodeItem(item, &bytes);
  Item back;
  ASSERT_TRUE(DecodeItem(bytes, &back));
  EXPECT_EQ(back.key, "sku-1");
  EXPECT_EQ(back.categories, item.categories);
  EXPECT_EQ(back.price, 9.5);
  EXPECT_TRUE(back.hidden);
  EXPECT_EQ(back.properties_json, item.properties_json);
  Item cut;
  EXPECT_FALSE(DecodeItem(std::string_view(bytes).substr(0, bytes.size() - 2), &cut));
}

}  // namespace
}  // namespace recd
