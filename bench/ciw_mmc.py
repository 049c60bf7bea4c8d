"""Reference: the same M/M/c case as poolsim's `mmc` benchmark (and bench/simpy_mmc.py),
simulated with Ciw.

Open workload: Poisson arrivals at rate LAMBDA, c servers, exponential service of mean 1/MU, FCFS.
Prints one JSON line: completed transactions, wall seconds, completed transactions per wall
second, and the mean wait compared with Erlang C (`cargo xtask bench`).

Usage: python3 ciw_mmc.py [--transactions N] [--seed S]
"""

import argparse
import json
import time

import ciw

from simpy_mmc import LAMBDA, SERVERS, SERVICE_MEAN_S, UTILISATION, erlang_c_wait


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--transactions", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAMBDA)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / SERVICE_MEAN_S)],
        number_of_servers=[SERVERS],
    )
    ciw.seed(args.seed)
    sim = ciw.Simulation(network)
    horizon = args.transactions / LAMBDA
    start = time.perf_counter()
    sim.simulate_until_max_time(horizon)
    wall = time.perf_counter() - start
    records = sim.get_all_records()
    completed = len(records)
    print(
        json.dumps(
            {
                "simulator": "ciw",
                "servers": SERVERS,
                "utilisation": UTILISATION,
                "completed": completed,
                "wall_s": wall,
                "txn_per_wall_s": completed / wall,
                "mean_wait_s": sum(r.waiting_time for r in records) / max(completed, 1),
                "erlang_c_wait_s": erlang_c_wait(SERVERS, LAMBDA, 1.0 / SERVICE_MEAN_S),
            }
        )
    )


if __name__ == "__main__":
    main()
