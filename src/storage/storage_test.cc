#include <gtest/gtest.h>

#include "storage/event_codec.h"
#include "storage/store.h"
#include "tests/test_util.h"

namespace recd {
namespace {

EventRecord Sample() {
  EventRecord e;
  e.type = EventType::kRating;
  e.user_idx = 3;
  e.item_idx = 9;
  e.timestamp_ms = 1700000000123;
  e.value = 4.5;
  e.query = "blue kettle";
  e.recomm_id = "r-1";
  e.context = {{"device", "mobile"}, {"page", "home"}};
  return e;
}

TEST(EventCodec, RoundTrips) {
  std::string bytes;
  EncodeEvent(Sample(), &bytes);
  EventRecord back;
  ASSERT_TRUE(DecodeEvent(bytes, &back).ok());
  EXPECT_EQ(back.type, EventType::kRating);
  EXPECT_EQ(back.user_idx, 3u);
  EXPECT_EQ(back.session_idx, kNoIdx);
  EXPECT_EQ(back.item_idx, 9u);
  EXPECT_EQ(back.timestamp_ms, 1700000000123);
  EXPECT_EQ(back.value, 4.5);
  EXPECT_EQ(back.query, "blue kettle");
  EXPECT_EQ(back.context, Sample().context);
}

TEST(EventCodec, TruncatedRecordIsCorruption) {
  std::string bytes;
  EncodeEvent(Sample(), &bytes);
  for (size_t len : {size_t{0}, size_t{5}, bytes.size() - 1}) {
    EventRecord back;
    EXPECT_TRUE(DecodeEvent(std::string_view(bytes).substr(0, len), &back).IsCorruption()) << len;
  }
}

TEST(EventCodec, UnknownVersionIsCorruption) {
  std::string bytes;
  EncodeEvent(Sample(), &bytes);
  bytes[0] = 99;
  EventRecord back;
  Status st = DecodeEvent(bytes, &back);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("version"), std::string::npos);
}

TEST(Store, PersistsAcrossReopenInKeyOrder) {
  testing::TempDir dir;
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    WriteBatch batch = (*store)->NewBatch();
    for (uint64_t seq : {2, 0, 300, 1}) batch.Put(Cf::kEvents, Store::EncodeSeq(seq), std::to_string(seq));
    batch.Put(Cf::kMeta, "k", "v");
    ASSERT_TRUE((*store)->Write(batch, /*sync=*/true).ok());
  }
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  std::vector<uint64_t> seqs;
  ASSERT_TRUE((*store)->Scan(Cf::kEvents, "", [&](std::string_view k, std::string_view v) {
    seqs.push_back(Store::DecodeSeq(k));
    EXPECT_EQ(v, std::to_string(seqs.back()));
    return true;
  }).ok());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{0, 1, 2, 300}));
  std::string value;
  EXPECT_TRUE((*store)->Get(Cf::kMeta, "k", &value).ok());
  EXPECT_EQ(value, "v");
  EXPECT_TRUE((*store)->Get(Cf::kItems, "k", &value).IsNotFound());
}

TEST(Store, SecondOpenOfTheSameDirectoryFailsClearly) {
  testing::TempDir dir;
  auto first = Store::Open(dir.path());
  ASSERT_TRUE(first.ok());
  auto second = Store::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find(dir.path()), std::string::npos);
}

}  // namespace
}  // namespace recd
