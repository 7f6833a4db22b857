#!/usr/bin/env python3
"""Export every segment to CSV: the Python example of Amperity's GET /segments page, in a loop.

This is the baseline `cargo xtask bench` compares the `amperity` CLI with. It is the seed
document's example (requests + csv.DictWriter, header from the first entry's keys) with the one
change an export of every page needs: follow `next_token` until it is missing or empty. Like the
example it calls `requests.request` for every page (no shared session).

    python3 bench/export_segments.py --base-url http://127.0.0.1:4010/api --tenant t \
        --token x --limit 1000 --output segments.csv
"""

import argparse
import csv

import requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--output", default="segments.csv")
    args = parser.parse_args()

    # URL for Segments endpoint
    url = args.base_url.rstrip("/") + "/segments"

    # Required headers
    headers = {
        "accept": "application/json",
        "authorization": "Bearer " + args.token,
        "amperity-tenant": args.tenant,
        "api-version": "2024-04-01",
    }
    payload = {"limit": args.limit}

    rows = 0
    with open(args.output, mode="w", newline="") as file:
        writer = None
        while True:
            # Get the response from the Segments endpoint
            response = requests.request("GET", url, headers=headers, params=payload, timeout=30)
            response.raise_for_status()
            response_json = response.json()
            data = response_json["data"]
            if writer is None and data:
                # Extract headers from the first data entry
                fieldnames = list(data[0].keys())
                writer = csv.DictWriter(file, fieldnames=fieldnames)
                writer.writeheader()
            for entry in data:
                writer.writerow(entry)
            rows += len(data)
            next_token = response_json.get("next_token")
            if not next_token:
                break
            payload = {"limit": args.limit, "next_token": next_token}

    print(f"CSV file generated successfully: {rows} segments.")


if __name__ == "__main__":
    main()
