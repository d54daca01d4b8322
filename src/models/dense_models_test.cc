// Oracles for the dense item-item models: SAR's similarities and EASE's closed form computed
// directly from their definitions on a small matrix.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include "models/model.h"

namespace recd {
namespace {

InteractionMatrix Small() {
  // 5 shoppers x 4 items.
  const std::vector<std::vector<ItemIdx>> rows = {{0, 1}, {0, 1, 2}, {1, 2}, {2, 3}, {0, 3}};
  InteractionMatrix m;
  m.num_cols = 4;
  m.row_ptr.push_back(0);
  for (const auto& r : rows) {
    for (ItemIdx i : r) {
      m.cols.push_back(i);
      m.values.push_back(1.0f);
    }
    m.row_ptr.push_back(m.cols.size());
    ++m.num_rows;
  }
  return m;
}

Eigen::MatrixXd Dense(const InteractionMatrix& m) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(m.num_rows, m.num_cols);
  for (uint32_t r = 0; r < m.num_rows; ++r) {
    for (uint64_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; ++k) x(r, m.cols[k]) = 1;
  }
  return x;
}

// Scores every item for a one-item history through the model.
std::vector<double> ScoresFor(const Recommender& model, ItemIdx item, size_t n_items) {
  std::vector<double> scores(n_items, 0.0);
  const UserEvent history[] = {{item, 1.0f, 1000}};
  for (const Scored& s : model.Recommend(history, n_items, [](ItemIdx) { return true; })) scores[s.idx] = s.score;
  return scores;
}

TEST(ContentModel, AProfileOfWeightedTermsRanksByTextAndADislikeSubtracts) {
  InteractionMatrix none;  // content needs no interactions
  none.num_cols = 5;
  none.row_ptr = {0};
  std::vector<ItemText> text(5);
  text[0].title = "red running shoe";
  text[1].title = "red woollen hat";
  text[2].title = "blue running shoe";
  text[3].title = "green fountain pen";
  text[4].title = "blue woollen scarf";
  text[4].categories = {"winter/scarves"};
  auto model = TrainRecommender("content(fields=title)", TrainingData{none, 0, nullptr, &text});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto keep = [](ItemIdx) { return true; };
  const UserEvent liked_red_shoe[] = {{0, 1.0f, 1}};
  std::vector<Scored> top = (*model)->Recommend(liked_red_shoe, 5, keep);
  ASSERT_EQ(top.size(), 2u);  // items sharing a word; the history item and the pen are not offered
  EXPECT_EQ(top[0].idx, 2u);  // "running shoe" outweighs "red"
  EXPECT_EQ(top[1].idx, 1u);
  // Disliking the blue shoe subtracts "blue" and "running shoe": the red hat comes first and
  // the scarf, sharing only "blue", drops out.
  const UserEvent and_disliked_blue[] = {{0, 1.0f, 1}, {2, -0.5f, 2}};
  top = (*model)->Recommend(and_disliked_blue, 5, keep);
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0].idx, 1u);
  for (const Scored& s : top) EXPECT_NE(s.idx, 4u);
  // Categories are read only when named.
  EXPECT_EQ((*model)->Spec(), "content(fields=title)");
  EXPECT_FALSE(TrainRecommender("content(fields=title,colour)", TrainingData{none, 0, nullptr, &text}).ok());
}

TEST(DenseModels, SarJaccardMatchesTheDefinition) {
  InteractionMatrix m = Small();
  auto sar = TrainRecommender("sar(sim=jaccard,half_life_days=0)", TrainingData{m, 1000});
  ASSERT_TRUE(sar.ok());
  Eigen::MatrixXd x = Dense(m);
  Eigen::MatrixXd c = x.transpose() * x;
  for (ItemIdx i = 0; i < 4; ++i) {
    std::vector<double> got = ScoresFor(**sar, i, 4);
    for (ItemIdx j = 0; j < 4; ++j) {
      const double expected = c(i, j) / (c(i, i) + c(j, j) - c(i, j));
      EXPECT_NEAR(got[j], expected, 1e-6) << i << "," << j;
    }
  }
}

TEST(DenseModels, EaseMatchesTheClosedForm) {
  InteractionMatrix m = Small();
  const double l2 = 2.0;
  auto ease = TrainRecommender("ease(l2=2)", TrainingData{m, 1000});
  ASSERT_TRUE(ease.ok());
  Eigen::MatrixXd x = Dense(m);
  Eigen::MatrixXd p = (x.transpose() * x + l2 * Eigen::MatrixXd::Identity(4, 4)).inverse();
  for (ItemIdx i = 0; i < 4; ++i) {
    std::vector<double> got = ScoresFor(**ease, i, 4);
    for (ItemIdx j = 0; j < 4; ++j) {
      const double b = i == j ? 0.0 : -p(i, j) / p(j, j);
      if (b > 0) {  // only positive scores are listed
        EXPECT_NEAR(got[j], b, 1e-5) << i << "," << j;
      }
    }
  }
}

TEST(NeighbourModels, UserKnnMatchesBruteForce) {
  InteractionMatrix m = Small();
  auto knn = TrainRecommender("userknn(k=2)", TrainingData{m, 1000});
  ASSERT_TRUE(knn.ok());
  Eigen::MatrixXd x = Dense(m);
  // History {1, 2}: cosine with every shopper, the two best, their rows weighted by similarity.
  Eigen::VectorXd h = Eigen::VectorXd::Zero(4);
  h(1) = h(2) = 1;
  std::vector<std::pair<double, int>> sims;
  for (int v = 0; v < 5; ++v) sims.push_back({-x.row(v).dot(h) / (h.norm() * x.row(v).norm()), v});
  std::sort(sims.begin(), sims.end());
  Eigen::VectorXd expected = Eigen::VectorXd::Zero(4);
  for (int t = 0; t < 2; ++t) expected += -sims[t].first * x.row(sims[t].second).transpose();
  const UserEvent history[] = {{1, 1.0f, 0}, {2, 1.0f, 0}};
  std::vector<double> got(4, 0.0);
  for (const Scored& s : (*knn)->Recommend(history, 4, [](ItemIdx) { return true; })) got[s.idx] = s.score;
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(got[i], expected(i), 1e-5) << i;
}

TEST(DenseModels, AlsFoldInSolvesTheNormalEquations) {
  InteractionMatrix m = Small();
  auto als = TrainRecommender("als(factors=3,iters=30,reg=0.5,alpha=4,cg_steps=6)", TrainingData{m, 1000});
  ASSERT_TRUE(als.ok());
  // The training data's own rows rank their items above the others on average.
  double own = 0, other = 0;
  for (uint32_t r = 0; r < m.num_rows; ++r) {
    std::vector<UserEvent> h;
    for (uint64_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; ++k) h.push_back({m.cols[k], 1.0f, 0});
    std::vector<double> s(4, 0.0);
    for (const Scored& x : (*als)->Recommend(h, 4, [](ItemIdx) { return true; })) s[x.idx] = x.score;
    for (ItemIdx i = 0; i < 4; ++i) {
      const bool has = std::any_of(h.begin(), h.end(), [&](const UserEvent& e) { return e.item == i; });
      (has ? own : other) += s[i];
    }
  }
  EXPECT_GT(own / 11.0, other / 9.0);
}

}  // namespace
}  // namespace recd
