// Session-based next-item models over ordered sessions (Ludewig & Jannach, "Evaluation of
// session-based recommendation algorithms", UMUAI 2018). Both read the training sessions in
// time order (TrainingData::sequences) and score a live session prefix, oldest event first;
// only events with positive weight count as clicks, in training and in requests.
//
// SR, sequential rules: for every pair (a before b) in a training session at most `steps` apart,
// rule a -> b gains weight(distance); each item keeps its `pruning` strongest rules. A prefix
// is scored by the rules of its last item, normalised by the best.
//   spec "sr(steps=10,weighting=div,pruning=20)"; weighting of a distance d: div 1/d, same 1,
//   linear 1 - 0.1 d (0 beyond 100), log 1/log10(d + 1.7), quadratic 1/d². Weighting names and
//   definitions are session-rec's, so its published parameters mean the same here.
//
// V-SKNN, vector-multiplication session kNN (Ludewig & Jannach 2018): the training sessions
// sharing an item with the prefix, the `sample` most recent of them (by their last event), are
// compared with the prefix: sim = Σ_{shared items} w(position in prefix) / |distinct prefix
// items|; the `k` most similar vote for their items with sim · (1 + idf·idf_weight) ·
// score_weight(steps back to the newest prefix item they share). Items already in the prefix are
// scored too (session-rec's remind=True). Normalised by the best.
//   spec "vsknn(k=100,sample=1000,weighting=div,score=div,idf=0)"; position weights of the i-th of
//   n prefix items: div i/n, same 1, linear 1 - 0.1 (n - i) (for i <= 10, else 0), log
//   1/log10(n - i + 1.7), quadratic (i/n)²; score weights of s steps back as for SR;
//   idf(item) = ln(training sessions / events of the item).
//
// VMIS-kNN (Kersbergen, Sprangers & Schelter, SIGMOD 2022): V-SKNN over an index keeping only the
// m most recent sessions per item, so a request touches at most |prefix| · m sessions, bounded by
// construction whatever the size of the log; ties between equally similar sessions go to the
// more recent one.
//   spec "vmis(k=100,m=500,weighting=div,score=div,idf=0)".
//
// STAN (Garg et al., SIGIR 2019): like V-SKNN with three exponential decays — prefix positions
// exp((i - n)/spw), neighbour age exp(-age/snh) relative to the newest prefix event, and within a
// neighbour the distance of a candidate from the last item it shares with the prefix,
// exp(-|Δposition|/inh); similarity is the cosine of the position-weighted prefix and the
// neighbour's item set.
//   spec "stan(k=500,sample=5000,spw=1.02,snh=5,inh=2.05)" (snh in days; 0 turns a decay off).
//
// VSTAN (Latifi, Mauro & Jannach 2021) adds V-SKNN's idf bonus (vote · (1 + idf · idf_weight))
// and weighs each neighbour's votes by exp((i - n)/ipw), i the prefix position of the newest
// event whose item the neighbour holds.
//   spec "vstan(k=500,sample=5000,spw=1.02,snh=5,inh=2.05,ipw=1.02,idf=5)".
#pragma once

#include <memory>

#include "models/model.h"
#include "models/snapshot_io.h"
#include "models/spec.h"

namespace recd {

Result<std::unique_ptr<Recommender>> TrainSr(ModelSpec& spec, const TrainingData& data);
// AR, association rules: like SR, but every pair of different items in a session counts 1 in
// both directions, whatever their order or distance. spec "ar(pruning=10)".
Result<std::unique_ptr<Recommender>> TrainAr(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> TrainVsknn(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> TrainStan(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> TrainVmis(ModelSpec& spec, const TrainingData& data);
// Any of ar, sr, vsknn, vmis, stan, vstan (by the spec's name). Their snapshots hold the rules (sr) or the
// training sessions, from which the indexes are rebuilt.
Result<std::unique_ptr<Recommender>> LoadSessionModel(ModelSpec& spec, const SnapshotReader& reader);

}  // namespace recd
