// Content-based recommendation (Pazzani & Billsus, "Content-Based Recommendation Systems", The
// Adaptive Web, 2007; Lops, de Gemmis & Semeraro, Recommender Systems Handbook, 2011, ch. 3).
//
// Every item is a TF-IDF vector of the words of its text fields (title, brand, description,
// category paths, tags), weighted (1 + ln tf) * ln(N / df) and L2-normalised. A shopper is the
// weighted sum of their history's vectors, a profile of weighted terms: a purchase or a high
// rating adds its item's words strongly, a dislike subtracts them. An item's score is the dot
// product of its vector with the profile. Items nobody has interacted with yet are scored like
// any other, which is what the model is for: new items, and shoppers whose tastes the
// interaction models have not seen.
//
// spec: content(fields=title,brand,categories) — the fields to read (these by default), any of
// title, brand, description, categories and tags (the properties named by search.properties).
#pragma once

#include <memory>

#include "models/model.h"
#include "models/snapshot_io.h"
#include "models/spec.h"

namespace recd {

Result<std::unique_ptr<Recommender>> TrainContent(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> LoadContent(ModelSpec& spec, const SnapshotReader& reader);

}  // namespace recd
