// SPDX-License-Identifier: MIT
//
// Ring throughput: records published by one producer thread and consumed by 1 or 4 consumer
// threads, classic and CAN FD records, batch sizes 1, 8, 32, 256 (records per publish and per
// read). Consumers are tethered, so every record is consumed and the rate is end to end.
// BM_PlainRing is the reference: a minimal single-producer single-consumer ring of the same
// 64-byte slots in this same binary. BM_Publish measures the producer alone (lossy, no consumer).
// Results and the command line: docs/benchmarks.md, section "Rings".
#include <benchmark/benchmark.h>

#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "canring/canring.h"

namespace
{

constexpr uint32_t kRingBytes = 1u << 20; // same for both rings
constexpr uint64_t kChunk = 1 << 16;      // records consumed per benchmark iteration

inline void fill(canring_record *r, uint64_t seq, bool fd)
{
        r->sw_ts_ns = seq;
        r->hw_ts_ns = 0;
        r->channel = static_cast<uint16_t>(seq & 3);
        r->flags = 0;
        if (fd) {
                r->canfd.can_id = static_cast<canid_t>(seq & CAN_SFF_MASK);
                r->canfd.len = 64;
                r->canfd.flags = 0;
                std::memset(r->canfd.data, static_cast<int>(seq), 64);
        } else {
                r->can.can_id = static_cast<canid_t>(seq & CAN_SFF_MASK);
                r->can.len = 8;
                uint64_t d = seq * 0x9e3779b97f4a7c15ull;
                std::memcpy(r->can.data, &d, 8);
        }
}

// What a consumer does with a record: touch its header and frame.
inline uint64_t touch(const canring_record *r)
{
        uint64_t d;
        std::memcpy(&d, r->can.data, 8);
        return r->seq + r->can.can_id + r->can.len + d;
}

// The flag that ends a benchmark's threads, in a 128-byte block of its own: every producer reads
// it per batch, and it must not share a cache line (or the pair of lines the adjacent-line
// prefetcher fetches together) with a consumer's stack. Producers capture the rest of their
// parameters by value, for the same reason; both rings are treated alike.
struct alignas(128) StopFlag {
        std::atomic<bool> v{false};
};

std::string segment_name()
{
        return "bench-" + std::to_string(getpid());
}

// One producer thread, `consumers` threads (this one included), end to end. The record kind is a
// template parameter so that, as in BM_PlainRing, fill() is compiled for one kind only.
template <bool fd> void run_canring(benchmark::State &state)
{
        const unsigned batch = static_cast<unsigned>(state.range(0));
        const int consumers = static_cast<int>(state.range(1));
        const std::string name = segment_name();
        canring_producer_config cfg = {};
        cfg.name = name.c_str();
        cfg.nrings = 1;
        cfg.ring_size = kRingBytes;
        cfg.nchannels = 4;
        cfg.max_consumers = 8;
        canring_producer *p;
        int ret = canring_producer_create(&cfg, &p);
        if (ret) {
                state.SkipWithError(canring_strerror(ret));
                return;
        }
        std::vector<canring_consumer *> cons(consumers);
        canring_consumer_options opt = {};
        opt.flags = CANRING_CONSUMER_TETHERED;
        for (auto &c : cons)
                if (canring_consumer_attach(name.c_str(), &opt, &c)) {
                        state.SkipWithError("attach");
                        return;
                }
        StopFlag stop;
        const unsigned kind = fd ? CANRING_KIND_FD : CANRING_KIND_CLASSIC;
        const unsigned slots = fd ? 2 * batch + 1 : batch;

        std::thread producer([&stop, p, kind, slots, batch] {
                uint64_t seq = 0;
                while (!stop.v.load(std::memory_order_relaxed)) {
                        canring_batch b;
                        if (canring_producer_reserve(p, 0, slots, &b)) {
                                sched_yield(); // back-pressure: 2 cores, let a consumer run
                                continue;
                        }
                        for (unsigned i = 0; i < batch; i++)
                                fill(canring_batch_add(&b, kind), seq++, fd);
                        canring_producer_commit(p, &b);
                }
        });
        auto consume = [&](canring_consumer *c, uint64_t want) {
                std::vector<const canring_record *> recs(batch);
                uint64_t got_total = 0, sum = 0;
                // The stop flag is checked only when idle: the plain ring's consumer loop has no
                // such check per batch (the producer stops first, so an idle check suffices).
                while (got_total < want) {
                        int got = canring_consumer_read(c, recs.data(), batch);
                        if (got <= 0) {
                                if (stop.v.load(std::memory_order_relaxed))
                                        break;
                                sched_yield();
                                continue;
                        }
                        for (int i = 0; i < got; i++)
                                sum += touch(recs[i]);
                        canring_consumer_release(c);
                        got_total += static_cast<uint64_t>(got);
                }
                benchmark::DoNotOptimize(sum);
        };
        std::vector<std::thread> others;
        for (int i = 1; i < consumers; i++)
                others.emplace_back([&, i] { consume(cons[i], UINT64_MAX); });

        for (auto _ : state)
                consume(cons[0], kChunk);
        state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChunk));
        stop.v = true;
        producer.join();
        for (auto &t : others)
                t.join();
        for (auto c : cons) {
                if (canring_consumer_lost(c))
                        state.SkipWithError("a tethered consumer lost records");
                canring_consumer_detach(c);
        }
        state.counters["backpressure"] = static_cast<double>(canring_producer_backpressure(p, 0));
        canring_producer_destroy(p);
}

void BM_Canring_Classic(benchmark::State &state)
{
        run_canring<false>(state);
}

void BM_Canring_FD(benchmark::State &state)
{
        run_canring<true>(state);
}

// The producer alone: reserve, fill, commit, nobody reading (lossy).
void BM_Publish(benchmark::State &state)
{
        const unsigned batch = static_cast<unsigned>(state.range(0));
        const bool fd = state.range(1) != 0;
        const std::string name = segment_name();
        canring_producer_config cfg = {};
        cfg.name = name.c_str();
        cfg.nrings = 1;
        cfg.ring_size = kRingBytes;
        cfg.nchannels = 4;
        cfg.max_consumers = 8;
        canring_producer *p;
        if (canring_producer_create(&cfg, &p)) {
                state.SkipWithError("create");
                return;
        }
        const unsigned kind = fd ? CANRING_KIND_FD : CANRING_KIND_CLASSIC;
        uint64_t seq = 0;
        for (auto _ : state) {
                canring_batch b;
                if (canring_producer_reserve(p, 0, fd ? 2 * batch + 1 : batch, &b)) {
                        state.SkipWithError("reserve");
                        break;
                }
                for (unsigned i = 0; i < batch; i++)
                        fill(canring_batch_add(&b, kind), seq++, fd);
                canring_producer_commit(p, &b);
        }
        state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
        canring_producer_destroy(p);
}

// Reference: the plainest SPSC ring of 64-byte slots (free-running indexes on their own cache
// lines, batch publish with one release store, cached opposite index), classic records.
struct PlainRing {
        alignas(64) std::atomic<uint64_t> tail{0};
        alignas(64) std::atomic<uint64_t> head{0};
        alignas(64) unsigned char data[kRingBytes];
};

void BM_PlainRing(benchmark::State &state)
{
        const unsigned batch = static_cast<unsigned>(state.range(0));
        const uint64_t cap = kRingBytes / CANRING_SLOT_SIZE;
        auto ring = std::make_unique<PlainRing>();
        StopFlag stop;
        auto slot = [r = ring.get(), cap](uint64_t pos) {
                return reinterpret_cast<canring_record *>(r->data +
                                                          (pos & (cap - 1)) * CANRING_SLOT_SIZE);
        };

        std::thread producer([&stop, slot, ring = ring.get(), cap, batch] {
                uint64_t tail = 0, head = 0;
                while (!stop.v.load(std::memory_order_relaxed)) {
                        if (tail + batch - head > cap) {
                                head = ring->head.load(std::memory_order_acquire);
                                if (tail + batch - head > cap) {
                                        sched_yield();
                                        continue;
                                }
                        }
                        for (unsigned i = 0; i < batch; i++) {
                                canring_record *r = slot(tail + i);
                                r->seq = tail + i;
                                r->kind = CANRING_KIND_CLASSIC;
                                r->nslots = 1;
                                fill(r, tail + i, false);
                        }
                        tail += batch;
                        ring->tail.store(tail, std::memory_order_release);
                }
        });
        uint64_t head = 0, tail = 0, sum = 0;
        for (auto _ : state) {
                uint64_t done = 0;
                while (done < kChunk) {
                        if (head == tail) {
                                tail = ring->tail.load(std::memory_order_acquire);
                                if (head == tail) {
                                        sched_yield();
                                        continue;
                                }
                        }
                        uint64_t n = tail - head < batch ? tail - head : batch;
                        for (uint64_t i = 0; i < n; i++)
                                sum += touch(slot(head + i));
                        head += n;
                        ring->head.store(head, std::memory_order_release);
                        done += n;
                }
        }
        benchmark::DoNotOptimize(sum);
        state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChunk));
        stop.v = true;
        producer.join();
}

} // namespace

BENCHMARK(BM_PlainRing)->ArgName("batch")->Arg(1)->Arg(8)->Arg(32)->Arg(256)->UseRealTime();
BENCHMARK(BM_Canring_Classic)
    ->ArgNames({"batch", "consumers"})
    ->ArgsProduct({{1, 8, 32, 256}, {1, 4}})
    ->UseRealTime();
BENCHMARK(BM_Canring_FD)
    ->ArgNames({"batch", "consumers"})
    ->ArgsProduct({{1, 8, 32, 256}, {1, 4}})
    ->UseRealTime();
BENCHMARK(BM_Publish)->ArgNames({"batch", "fd"})->ArgsProduct({{1, 8, 32, 256}, {0, 1}});

BENCHMARK_MAIN();
