// The conformance suite: every registered model, through the one Recommender interface, on a
// fixture where the right answer is known (a checkerboard: even shoppers take even items, odd
// shoppers odd items), plus determinism, concurrent reads and edge cases.
#include <gtest/gtest.h>

#include <thread>
#include <tuple>

#include "eval/evaluator.h"
#include "models/model.h"
#include "models/snapshot_io.h"

namespace recd {
namespace {

// A small, fast spec of every registered model; the suite fails if a model is missing here.
const std::vector<std::string>& Specs() {
  static const std::vector<std::string> specs = {
      "popularity", "random(seed=7)", "cohort(smoothing=1)", "itemknn(k=10)", "content(fields=title,tags)", "userknn(k=5)", "sar(half_life_days=0)", "ease(l2=1)",
      "als(factors=8,iters=10,reg=0.1,alpha=10)", "bpr(factors=8,epochs=200,lr=0.1,reg=0.001)",
      "ar", "sr", "vsknn(k=20)", "vmis(k=20,m=50)", "stan(k=20)", "vstan(k=20)"};
  return specs;
}

std::string NameOf(const std::string& spec) { return spec.substr(0, spec.find('(')); }

ItemText Titled(std::string title) {
  ItemText t;
  t.title = std::move(title);
  return t;
}

// 40 shoppers x 20 items; shopper u takes every item of its parity but one, held out for test.
struct Checkerboard {
  Dataset dataset;
  Split split;
  InteractionMatrix train;
  std::vector<std::vector<UserEvent>> sequences;  // each shopper's training events in time order
  std::vector<ItemText> text;                      // by item: "even"/"odd" and its own name
  Checkerboard() {
    bool inserted = false;
    for (int i = 0; i < 20; ++i) {
      dataset.items.Intern("i" + std::to_string(i), &inserted);
      text.push_back(Titled(std::string(i % 2 ? "odd" : "even") + " thing" + std::to_string(i)));
      dataset.item_titles.push_back(text.back().title);
    }
    train.num_cols = 20;
    train.row_ptr.push_back(0);
    for (uint32_t u = 0; u < 40; ++u) {
      dataset.users.Intern("u" + std::to_string(u), &inserted);
      dataset.user_attributes.push_back({u % 2 ? "parity=odd" : "parity=even"});  // for the cohort model
      const ItemIdx held = (u % 2) + 2 * ((u / 2) % 10);
      for (ItemIdx i = u % 2; i < 20; i += 2) {
        Interaction row{u, i, 1.0f, 1000 + i};
        if (i == held) {
          split.test.push_back(row);
        } else {
          split.train.push_back(row);
          train.cols.push_back(i);
          train.values.push_back(1.0f);
          if (sequences.size() <= u) sequences.resize(u + 1);
          sequences[u].push_back({i, 1.0f, row.timestamp_ms});
        }
      }
      train.row_ptr.push_back(train.cols.size());
      ++train.num_rows;
    }
    dataset.item_categories.resize(20);
  }
};

std::vector<UserEvent> HistoryOf(const Checkerboard& board, uint32_t user) {
  std::vector<UserEvent> history;
  for (const Interaction& r : board.split.train) {
    if (r.user == user) history.push_back({r.item, 1.0f, r.timestamp_ms});
  }
  return history;
}

TEST(Conformance, EveryRegisteredModelIsCovered) {
  for (const std::string& name : RecommenderNames()) {
    bool covered = false;
    for (const std::string& spec : Specs()) covered = covered || NameOf(spec) == name;
    EXPECT_TRUE(covered) << name << " has no spec in the conformance suite";
  }
}

TEST(Conformance, PersonalizedModelsSolveTheCheckerboard) {
  Checkerboard board;
  EvalOptions options;
  options.ks = {1, 10};
  OfflineEvaluator evaluator(board.dataset, board.split, options);
  for (const std::string& spec : Specs()) {
    auto result = evaluator.Evaluate(spec);
    ASSERT_TRUE(result.ok()) << spec << ": " << result.status().ToString();
    if (NameOf(spec) == "popularity" || NameOf(spec) == "random") {
      EXPECT_LT(result->metrics.at("hit_rate@1"), 1.0) << spec;  // not personalized: cannot know
    } else if (NameOf(spec) == "sr" || NameOf(spec) == "ar") {
      // Sequential rules only follow the last item, and a shopper's last item here (the highest
      // of its parity) is followed by nothing, except where that item is the held-out one.
      EXPECT_GT(result->metrics.at("hit_rate@10"), 0.0) << spec;
    } else {
      EXPECT_DOUBLE_EQ(result->metrics.at("hit_rate@1"), 1.0) << spec;
      EXPECT_DOUBLE_EQ(result->metrics.at("ndcg@10"), 1.0) << spec;
    }
  }
}

TEST(Conformance, TrainingIsDeterministic) {
  Checkerboard board;
  for (const std::string& spec : Specs()) {
    auto a = TrainRecommender(spec, TrainingData{board.train, 2000, &board.sequences, &board.text});
    auto b = TrainRecommender(spec, TrainingData{board.train, 2000, &board.sequences, &board.text});
    ASSERT_TRUE(a.ok() && b.ok()) << spec;
    auto keep = [](ItemIdx) { return true; };
    for (uint32_t u : {0u, 7u}) {
      std::vector<UserEvent> h = HistoryOf(board, u);
      std::vector<Scored> ra = (*a)->Recommend(h, 5, keep), rb = (*b)->Recommend(h, 5, keep);
      ASSERT_EQ(ra.size(), rb.size()) << spec;
      for (size_t k = 0; k < ra.size(); ++k) {
        EXPECT_EQ(ra[k].idx, rb[k].idx) << spec;
        EXPECT_FLOAT_EQ(static_cast<float>(ra[k].score), static_cast<float>(rb[k].score)) << spec;
      }
    }
  }
}

TEST(Conformance, ConcurrentReadersGetTheSameAnswers) {
  Checkerboard board;
  for (const std::string& spec : Specs()) {
    auto model = TrainRecommender(spec, TrainingData{board.train, 2000, &board.sequences, &board.text});
    ASSERT_TRUE(model.ok()) << spec;
    auto keep = [](ItemIdx) { return true; };
    std::vector<std::vector<Scored>> expected;
    for (uint32_t u = 0; u < 40; ++u) expected.push_back((*model)->Recommend(HistoryOf(board, u), 5, keep));
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 50; ++round) {
          const uint32_t u = static_cast<uint32_t>((round * 4 + t) % 40);
          std::vector<Scored> got = (*model)->Recommend(HistoryOf(board, u), 5, keep);
          if (got.size() != expected[u].size()) {
            ++mismatches;
            continue;
          }
          for (size_t k = 0; k < got.size(); ++k) mismatches += got[k].idx != expected[u][k].idx;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches.load(), 0) << spec;
  }
}

TEST(Conformance, SaveAndLoadGiveIdenticalScores) {
  Checkerboard board;
  auto keep = [](ItemIdx) { return true; };
  for (const std::string& spec : Specs()) {
    auto model = TrainRecommender(spec, TrainingData{board.train, 2000, &board.sequences, &board.text});
    ASSERT_TRUE(model.ok()) << spec;
    const std::string bytes = (*model)->Save();
    auto loaded = LoadRecommender(bytes);
    ASSERT_TRUE(loaded.ok()) << spec << ": " << loaded.status().ToString();
    EXPECT_EQ((*loaded)->Spec(), (*model)->Spec());
    EXPECT_EQ((*loaded)->Save(), bytes) << spec;
    for (uint32_t u = 0; u < 40; u += 3) {
      std::vector<UserEvent> h = HistoryOf(board, u);
      std::vector<Scored> a = (*model)->Recommend(h, 8, keep), b = (*loaded)->Recommend(h, 8, keep);
      ASSERT_EQ(a.size(), b.size()) << spec;
      for (size_t k = 0; k < a.size(); ++k) {
        EXPECT_EQ(a[k].idx, b[k].idx) << spec;
        EXPECT_EQ(a[k].score, b[k].score) << spec;
      }
    }
  }
}

void ExpectCorruption(std::string_view bytes, const std::string& what, const std::string& spec) {
  auto loaded = LoadRecommender(bytes);
  ASSERT_FALSE(loaded.ok()) << spec << ": " << what;
  EXPECT_TRUE(loaded.status().IsCorruption()) << spec << ": " << loaded.status().ToString();
  EXPECT_NE(loaded.status().message().find(what), std::string::npos) << spec << ": " << loaded.status().message();
}

TEST(Conformance, DamagedSnapshotsAreClearErrors) {
  Checkerboard board;
  for (const std::string& spec : Specs()) {
    auto model = TrainRecommender(spec, TrainingData{board.train, 2000, &board.sequences, &board.text});
    ASSERT_TRUE(model.ok()) << spec;
    const std::string bytes = (*model)->Save();
    // Truncated anywhere: never a crash, always Corruption.
    for (size_t len : {size_t{0}, size_t{7}, size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
      auto loaded = LoadRecommender(std::string_view(bytes).substr(0, len));
      EXPECT_FALSE(loaded.ok()) << spec << " truncated to " << len;
    }
    std::string flipped = bytes;
    flipped[bytes.size() / 2] ^= 0x20;
    ExpectCorruption(flipped, "checksum mismatch", spec);
    std::string version = bytes;
    version[8] = 7;
    ExpectCorruption(version, "unsupported format version 7", spec);
    std::string magic = bytes;
    magic[0] = 'X';
    ExpectCorruption(magic, "bad magic", spec);
  }
  // A well-formed file whose spec names an unknown model, or whose sections are missing.
  SnapshotWriter unknown("svd(factors=3)");
  ExpectCorruption(unknown.Finish(), "unknown model 'svd'", "svd");
  SnapshotWriter empty("ease(l2=1)");
  ExpectCorruption(empty.Finish(), "section DIMS is missing", "ease");
  SnapshotWriter bad_param("itemknn(k=0)");
  ExpectCorruption(bad_param.Finish(), "k must be an integer", "itemknn");
}

TEST(Conformance, EdgeCasesAnswerWithoutFailing) {
  Checkerboard board;
  InteractionMatrix empty;
  empty.num_cols = 5;
  empty.row_ptr.push_back(0);
  InteractionMatrix single;
  single.num_rows = 1;
  single.num_cols = 3;
  single.row_ptr = {0, 2};
  single.cols = {0, 2};
  single.values = {1.0f, 1.0f};
  auto keep = [](ItemIdx) { return true; };
  for (const std::string& spec : Specs()) {
    const std::vector<std::vector<UserEvent>> no_sessions, one_session = {{{0, 1.0f, 1}, {2, 1.0f, 2}}};
    const std::vector<ItemText> no_text(5), small_text = {Titled("a b"), Titled(""), Titled("b c")};
    const std::tuple<const InteractionMatrix*, const std::vector<std::vector<UserEvent>>*, const std::vector<ItemText>*>
        cases[] = {{&empty, &no_sessions, &no_text}, {&single, &one_session, &small_text},
                   {&board.train, &board.sequences, &board.text}};
    for (const auto& [m, sequences, text] : cases) {
      auto model = TrainRecommender(spec, TrainingData{*m, 2000, sequences, text});
      ASSERT_TRUE(model.ok()) << spec << ": " << model.status().ToString();
      // No history, unknown items, negative evidence only: a (possibly empty) valid list.
      const std::vector<UserEvent> unknown = {{999, 1.0f, 0}}, negative = {{0, -1.0f, 0}};
      for (const std::vector<UserEvent>& h : {std::vector<UserEvent>{}, unknown, negative}) {
        std::vector<Scored> got = (*model)->Recommend(h, 3, keep);
        EXPECT_LE(got.size(), 3u) << spec;
        for (const Scored& s : got) EXPECT_LT(s.idx, m->num_cols) << spec;
      }
      // The filter is honoured.
      for (const Scored& s : (*model)->Recommend(HistoryOf(board, 0), 10, [](ItemIdx i) { return i % 3 != 0; })) {
        EXPECT_NE(s.idx % 3, 0u) << spec;
      }
    }
  }
}

}  // namespace
}  // namespace recd
