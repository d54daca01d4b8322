#include "models/spec.h"

#include <gtest/gtest.h>

namespace recd {
namespace {

TEST(ModelSpec, ParsesNameAndTypedParameters) {
  auto spec = ModelSpec::Parse("itemknn(k=200, shrink=10.5,sim=cosine)");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->name(), "itemknn");
  int k = 0;
  double shrink = 0;
  std::string sim;
  EXPECT_TRUE(spec->GetInt("k", 50, 1, 1000, &k).ok());
  EXPECT_TRUE(spec->GetDouble("shrink", 0, 0, 100, &shrink).ok());
  EXPECT_TRUE(spec->GetString("sim", "", &sim).ok());
  EXPECT_EQ(k, 200);
  EXPECT_EQ(shrink, 10.5);
  EXPECT_EQ(sim, "cosine");
  EXPECT_TRUE(spec->CheckAllUsed().ok());
  auto bare = ModelSpec::Parse("popularity");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->name(), "popularity");
}

TEST(ModelSpec, ListValues) {
  auto spec = ModelSpec::Parse("content(fields=title, brand,tags,x=1)");
  ASSERT_TRUE(spec.ok());
  std::string fields, x;
  ASSERT_TRUE(spec->GetString("fields", "", &fields).ok());
  ASSERT_TRUE(spec->GetString("x", "", &x).ok());
  EXPECT_EQ(fields, "title,brand,tags");
  EXPECT_EQ(x, "1");
}

TEST(ModelSpec, ErrorsNameTheProblem) {
  EXPECT_NE(ModelSpec::Parse("itemknn(k)").status().message().find("expected key=value"), std::string::npos);
  EXPECT_NE(ModelSpec::Parse("itemknn(k=1,k=2)").status().message().find("given twice"), std::string::npos);
  EXPECT_NE(ModelSpec::Parse("(k=1)").status().message().find("missing model name"), std::string::npos);
  auto spec = ModelSpec::Parse("itemknn(k=abc,typo=1)");
  ASSERT_TRUE(spec.ok());
  int k = 0;
  EXPECT_NE(spec->GetInt("k", 5, 1, 10, &k).message().find("k must be an integer from 1 to 10, got 'abc'"), std::string::npos);
  EXPECT_NE(spec->CheckAllUsed().message().find("unknown parameter 'typo'"), std::string::npos);
}

TEST(ModelSpec, GridExpandsEveryCombination) {
  auto grid = ExpandSpecGrid("itemknn(k=[50,100],shrink=[0, 10])");
  ASSERT_TRUE(grid.ok());
  EXPECT_EQ(*grid, (std::vector<std::string>{"itemknn(k=50,shrink=0)", "itemknn(k=50,shrink=10)",
                                              "itemknn(k=100,shrink=0)", "itemknn(k=100,shrink=10)"}));
  EXPECT_EQ(*ExpandSpecGrid("popularity"), std::vector<std::string>{"popularity"});
  EXPECT_FALSE(ExpandSpecGrid("itemknn(k=[50,100)").ok());
}

}  // namespace
}  // namespace recd
