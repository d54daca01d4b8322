#include "engine/model_snapshot.h"

#include <gtest/gtest.h>

#include "storage/event_codec.h"
#include "storage/store.h"
#include "tests/test_util.h"

namespace recd {
namespace {

ModelSnapshot Sample() {
  ModelSnapshot s;
  s.info.version = 3;
  s.info.spec = "itemknn(k=2,sim=cosine,shrink=0)";
  s.info.events_used = 42;
  s.knn = ItemKnnModel::FromTable({2, 0.0}, {0, 1, 3, 3}, {{1, 0.5f}, {0, 0.5f}, {2, 0.25f}});
  return s;
}

TEST(ModelSnapshot, RoundTrips) {
  std::string bytes;
  EncodeSnapshot(Sample(), &bytes);
  auto back = DecodeSnapshot(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->info.version, 3u);
  EXPECT_EQ((*back)->info.spec, Sample().info.spec);
  EXPECT_EQ((*back)->info.events_used, 42u);
  ASSERT_EQ((*back)->knn.Neighbors(1).size(), 2u);
  EXPECT_EQ((*back)->knn.Neighbors(1)[1].item, 2u);
  EXPECT_FLOAT_EQ((*back)->knn.Neighbors(1)[1].similarity, 0.25f);
}

void ExpectCorruption(const std::string& bytes, const std::string& what) {
  auto back = DecodeSnapshot(bytes);
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsCorruption());
  EXPECT_NE(back.status().message().find(what), std::string::npos) << back.status().message();
}

TEST(ModelSnapshot, TruncatedIsCorruption) {
  std::string bytes;
  EncodeSnapshot(Sample(), &bytes);
  for (size_t len : {size_t{0}, size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_FALSE(DecodeSnapshot(std::string_view(bytes).substr(0, len)).ok()) << len;
  }
}

TEST(ModelSnapshot, FlippedByteIsAChecksumMismatch) {
  std::string bytes;
  EncodeSnapshot(Sample(), &bytes);
  bytes[bytes.size() / 2] ^= 0x40;
  ExpectCorruption(bytes, "checksum mismatch");
}

TEST(ModelSnapshot, WrongMagicOrVersionIsNamed) {
  std::string bytes;
  EncodeSnapshot(Sample(), &bytes);
  std::string magic = bytes;
  magic[0] = 'X';
  ExpectCorruption(magic, "bad magic");
  std::string version = bytes;
  version[8] = 9;
  ExpectCorruption(version, "unsupported format version 9");
}

TEST(EngineRestore, CorruptStoreGivesAStatusNotACrash) {
  testing::TempDir dir;
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok());
    EventRecord e;
    e.user_idx = 7;  // no key maps this index
    e.item_idx = 0;
    e.timestamp_ms = 1700000000000;
    std::string bytes;
    EncodeEvent(e, &bytes);
    WriteBatch batch = (*store)->NewBatch();
    batch.Put(Cf::kEvents, Store::EncodeSeq(0), bytes);
    ASSERT_TRUE((*store)->Write(batch, true).ok());
  }
  auto engine = Engine::Open(testing::TestOptions(dir.path()));
  ASSERT_FALSE(engine.ok());
  EXPECT_TRUE(engine.status().IsCorruption());
  EXPECT_NE(engine.status().message().find("event 0: event record: an index has no key"), std::string::npos)
      << engine.status().message();
}

TEST(EngineRestore, CorruptSnapshotIsRetrainedFromTheLog) {
  testing::TempDir dir;
  {
    auto engine = testing::OpenOrDie(testing::TestOptions(dir.path()));
    ASSERT_TRUE(engine->Ingest({testing::MakeEvent("u", "a", EventType::kView), testing::MakeEvent("u", "b", EventType::kView)})[0].ok());
    ASSERT_TRUE(engine->Retrain(true).ok());
  }
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok());
    WriteBatch batch = (*store)->NewBatch();
    batch.Put(Cf::kMeta, "model.snapshot", "RECDSNAP garbage");
    ASSERT_TRUE((*store)->Write(batch, true).ok());
  }
  auto engine = testing::OpenOrDie(testing::TestOptions(dir.path()));
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->CurrentModel().events_used, 2u);
  EXPECT_EQ((*engine->Similar("a", 1))[0].item_key, "b");
}

}  // namespace
}  // namespace recd
