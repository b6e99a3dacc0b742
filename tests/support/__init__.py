"""Test scaffolding shared by the tests and the benchmarks (``bench/`` imports it with the checkout's
root on ``sys.path``); none of it ships in the wheel.

Fault injection (corrupted weight files: :mod:`.faults`; malformed and valid spec strategies:
:mod:`.specfuzz`, :mod:`.specvalid`, needing ``hypothesis``), a Hub-compatible server that also
injects faults (:mod:`.hub_server`, :mod:`.hub_state`), a real process killed mid-run (:mod:`.crash`),
training in several processes (:mod:`.ddp`), device comparisons (:mod:`.devices`) and round trips
through data files (:mod:`.roundtrip`).
"""
