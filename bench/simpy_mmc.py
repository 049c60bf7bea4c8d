"""Reference: the same M/M/c case as poolsim's `mmc` benchmark, simulated with SimPy.

Open workload: Poisson arrivals at rate LAMBDA, c servers (the pool), exponential service of mean
1/MU, FCFS queue. Prints one JSON line: completed transactions, wall seconds, completed
transactions per wall second, and the mean wait compared with Erlang C, so the two simulators can
be compared side by side in one run (`cargo xtask bench`).

Usage: python3 simpy_mmc.py [--transactions N] [--seed S]
"""

import argparse
import json
import math
import random
import time

import simpy

SERVERS = 8
SERVICE_MEAN_S = 0.002  # 2 ms of CPU per transaction (the `mmc` preset)
UTILISATION = 0.8
LAMBDA = UTILISATION * SERVERS / SERVICE_MEAN_S  # arrivals per second


def erlang_c_wait(c, lam, mu):
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = lam / mu
    rho = a / c
    term = 1.0
    total = 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c / (1 - rho)
    p_wait = last / (total + last)
    return p_wait / (c * mu - lam)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--transactions", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=SERVERS)
    done = {"count": 0, "wait": 0.0}

    def transaction(env):
        arrived = env.now
        with pool.request() as req:
            yield req
            done["wait"] += env.now - arrived
            yield env.timeout(rng.expovariate(1.0 / SERVICE_MEAN_S))
        done["count"] += 1

    def arrivals(env):
        while True:
            yield env.timeout(rng.expovariate(LAMBDA))
            env.process(transaction(env))

    env.process(arrivals(env))
    horizon = args.transactions / LAMBDA
    start = time.perf_counter()
    env.run(until=horizon)
    wall = time.perf_counter() - start
    print(
        json.dumps(
            {
                "simulator": "simpy",
                "servers": SERVERS,
                "utilisation": UTILISATION,
                "completed": done["count"],
                "wall_s": wall,
                "txn_per_wall_s": done["count"] / wall,
                "mean_wait_s": done["wait"] / max(done["count"], 1),
                "erlang_c_wait_s": erlang_c_wait(SERVERS, LAMBDA, 1.0 / SERVICE_MEAN_S),
            }
        )
    )


if __name__ == "__main__":
    main()
