"""A robustness suite for COMET: object worlds written with NumPy alone, in zoo's trajectories file format.

None of them is zoo's particle world. They span other force constants and type mixes, laws close
together at short range, observation noise, 3 to 8 objects, roles that pick the partner
(predator-prey), a partner chosen by radius instead of the nearest neighbour, a world in other units (the
constants world with lengths in a unit a hundred times larger) and a type rare in training; ``SUITE`` also
runs one of them with an over-complete bank (M = types + 2).

Every world: objects on a plane with no walls, semi-implicit Euler steps of ``DT``; slot features x,
y, vx, vy, then a one-hot of the object's species (or role). Each transition's ground truth is the law
that moved the object and the object it reacted to (-1: none).

    python bench/comet_worlds.py --out worlds/       # writes every world of the suite for seed 0
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DT = 0.05
LAWS = ("spring", "attraction", "repulsion", "none")


@dataclass(frozen=True)
class ParticleWorld:
    """Particles each driven by one partner through its species' law (the catalogue's family of laws,
    with this world's own constants).

    With ``r = x_i - x_j`` and ``d = |r|``: spring ``-k r``; attraction ``-a r / sqrt(d^2 + s)``;
    repulsion ``+b r / sqrt(d^2 + s)``; none ``0``. The partner is the nearest other object, or with
    ``radius`` the nearest one closer than ``radius`` (an object with none moves freely: type "none").
    """

    objects: int = 5
    species: tuple[str, ...] = LAWS
    mix: tuple[float, ...] | None = None
    spring: float = 3.0
    attraction: float = 1.2
    repulsion: float = 0.8
    soft: float = 0.3
    noise: float = 0.0
    radius: float | None = None
    box: float = 1.0
    speed: float = 0.5
    units: float = 1.0  # the length unit's size: positions and velocities are stored times this
    dt: float = DT  # the time step

    def accelerations(self, r: np.ndarray) -> np.ndarray:
        """(len(LAWS), S, N, 2) acceleration of every law for offsets ``r`` (S, N, 2) to the partner."""
        soft = r / np.sqrt((r**2).sum(-1, keepdims=True) + self.soft)
        return np.stack([-self.spring * r, -self.attraction * soft, self.repulsion * soft, np.zeros_like(r)])

    def simulate(self, count: int, length: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """``count`` trajectories of ``length`` transitions (arrays of the trajectories file format)."""
        n, k = self.objects, len(self.species)
        mix = np.ones(k) if self.mix is None else np.asarray(self.mix, dtype=float)
        species = rng.choice(k, size=(count, n), p=mix / mix.sum())  # (S, N) index into self.species
        law = np.array([LAWS.index(s) for s in self.species])[species]  # (S, N) index into LAWS
        pos = rng.uniform(-self.box, self.box, (count, n, 2))
        vel = rng.normal(0.0, self.speed, (count, n, 2))
        kind = np.array([self.type_names.index(s) for s in self.species])[species]  # (S, N) ground-truth type
        onehot = np.eye(k)[species]
        states, types, partners = [], [], []
        for _ in range(length):  # data generation: a loop over time
            states.append(np.concatenate([pos, vel, onehot], -1))
            j, d = nearest(pos, np.ones((count, n), dtype=bool))
            free = (law == LAWS.index("none")) | (d >= (self.radius or np.inf))
            acc = np.take_along_axis(self.accelerations(pos - take(pos, j)), law[None, ..., None], 0)[0]  # (S, N, 2)
            acc = np.where(free[..., None], 0.0, acc)
            types.append(np.where(free, self.type_names.index("none"), kind))
            partners.append(np.where(free, -1, j))
            vel = vel + self.dt * acc
            pos = pos + self.dt * vel
        states.append(np.concatenate([pos, vel, onehot], -1))
        return pack(states, types, partners, self.type_names, ("x", "y", "vx", "vy") + tuple(f"is_{s}" for s in self.species),
                    self.noise, rng, self.units)

    @property
    def type_names(self) -> tuple[str, ...]:
        """The ground-truth types: the species' laws, plus "none" when a radius can leave an object free."""
        extra = ("none",) if self.radius is not None and "none" not in self.species else ()
        return tuple(self.species) + extra


@dataclass(frozen=True)
class PredatorPrey:
    """Roles pick the partner: hunters chase their nearest prey, prey flee their nearest hunter when it
    is closer than ``alarm`` and otherwise graze (their velocity decays), wanderers drift.

    Types: chase, flee, graze, drift. Features: x, y, vx, vy, one-hot role (hunter, prey, wanderer).
    """

    roles: tuple[int, ...] = (0, 0, 1, 1, 1, 2)
    chase: float = 1.5
    flee: float = 2.5
    drag: float = 0.5
    graze: float = 1.5
    alarm: float = 0.8
    noise: float = 0.0
    box: float = 1.2
    speed: float = 0.3
    type_names: tuple[str, ...] = field(default=("chase", "flee", "graze", "drift"))

    def simulate(self, count: int, length: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """``count`` trajectories of ``length`` transitions (arrays of the trajectories file format)."""
        n = len(self.roles)
        role = np.tile(np.array(self.roles), (count, 1))  # (S, N)
        hunter, prey = role == 0, role == 1
        pos = rng.uniform(-self.box, self.box, (count, n, 2))
        vel = rng.normal(0.0, self.speed, (count, n, 2))
        onehot = np.eye(3)[role]
        states, types, partners = [], [], []
        for _ in range(length):  # data generation: a loop over time
            states.append(np.concatenate([pos, vel, onehot], -1))
            j_prey, _ = nearest(pos, prey)
            j_hunter, d_hunter = nearest(pos, hunter)
            fleeing = prey & (d_hunter < self.alarm)
            towards, away = unit(take(pos, j_prey) - pos), unit(pos - take(pos, j_hunter))
            acc = np.where(hunter[..., None], self.chase * towards - self.drag * vel,
                           np.where(fleeing[..., None], self.flee * away - self.drag * vel,
                                    np.where(prey[..., None], -self.graze * vel, 0.0)))
            types.append(np.select([hunter, fleeing, prey], [0, 1, 2], 3))
            partners.append(np.select([hunter, fleeing], [j_prey, j_hunter], -1))
            vel = vel + DT * acc
            pos = pos + DT * vel
        states.append(np.concatenate([pos, vel, onehot], -1))
        return pack(states, types, partners, self.type_names, ("x", "y", "vx", "vy", "is_hunter", "is_prey", "is_wanderer"),
                    self.noise, rng)


def nearest(pos: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index and distance of the nearest other object among ``allowed`` (S, N): pos (S, N, 2) -> (S, N), (S, N)."""
    d = np.linalg.norm(pos[:, :, None] - pos[:, None], axis=-1)  # (S, N, N)
    d = np.where(allowed[:, None, :] & ~np.eye(pos.shape[1], dtype=bool), d, np.inf)
    j = d.argmin(-1)
    return j, np.take_along_axis(d, j[..., None], -1)[..., 0]


def take(x: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Rows of ``x`` (S, N, F) at ``index`` (S, N)."""
    return np.take_along_axis(x, index[..., None], 1)


def unit(v: np.ndarray) -> np.ndarray:
    """A softened unit vector (no division by zero when two objects meet)."""
    return v / np.sqrt((v**2).sum(-1, keepdims=True) + 0.05)


def pack(states, types, partners, type_names, features, noise: float, rng: np.random.Generator,
         units: float = 1.0) -> dict[str, np.ndarray]:
    """The trajectories file's arrays; observation noise (std ``noise``) on the changing features only, which are
    stored times ``units``."""
    s = np.stack(states, 1)  # (S, T+1, N, D)
    s[..., :4] *= units
    if noise > 0:
        s[..., :4] += rng.normal(0.0, noise, s[..., :4].shape)
    return {"states": s.astype(np.float32), "types": np.stack(types, 1).astype(np.int64),
            "partners": np.stack(partners, 1).astype(np.int64), "type_names": np.array(type_names),
            "feature_names": np.array(features)}


WORLDS = {  # name -> the world (one of each kind the suite spans)
    "constants": ParticleWorld(objects=6, mix=(1, 2, 2, 1), spring=3.0, attraction=1.2, repulsion=0.8, soft=0.3),
    "close-laws": ParticleWorld(spring=1.5, attraction=1.0, repulsion=1.0, soft=0.5),
    "noise-0.02": ParticleWorld(spring=2.0, attraction=1.0, repulsion=1.5, soft=0.25, noise=0.02),
    "noise-0.05": ParticleWorld(spring=2.0, attraction=1.0, repulsion=1.5, soft=0.25, noise=0.05),
    "three-objects": ParticleWorld(objects=3, species=("spring", "repulsion", "none"), spring=2.5, repulsion=1.2),
    "eight-objects": ParticleWorld(objects=8, spring=2.0, attraction=1.5, repulsion=1.0, soft=0.4, box=1.5),
    "predator-prey": PredatorPrey(),
    "radius": ParticleWorld(species=("spring", "attraction", "repulsion"), radius=0.9, spring=2.5, attraction=1.5,
                            repulsion=1.5, soft=0.3),
    "units": ParticleWorld(objects=6, mix=(1, 2, 2, 1), spring=3.0, attraction=1.2, repulsion=0.8, soft=0.3,
                           units=0.01),
    "rare-type": ParticleWorld(mix=(0.05, 0.95 / 3, 0.95 / 3, 0.95 / 3), spring=2.5, attraction=1.0, soft=0.3),
}


def model_sizes(world: ParticleWorld | PredatorPrey, spare: int = 0) -> dict[str, int]:
    """The catalogue spec's overrides that fit ``world``: its objects, its slot features (x, y, vx, vy and a
    one-hot of species or role) and one mechanism per type, plus ``spare``."""
    roles = getattr(world, "roles", None)
    return {"slots.count": len(roles) if roles else world.objects,
            "slots.dim": 4 + (3 if roles else len(world.species)),
            "mechanisms[0].count": len(world.type_names) + spare}


OVERCOMPLETE = 2  # spare mechanisms of the suite's over-complete entry
SUITE = {name: (name, 0) for name in WORLDS} | {"overcomplete": ("constants", OVERCOMPLETE)}  # entry -> (world, spare M)


def draw(name: str, seed: int = 0, trajectories: int = 256, test: int = 64, length: int = 30,
         world: ParticleWorld | PredatorPrey | None = None) -> dict[str, np.ndarray]:
    """World ``name`` (or ``world``, a variant of it, drawn as it is) simulated from ``seed``: the trajectories file's
    arrays, train then test trajectories, with a ``split``."""
    rng = np.random.default_rng([seed, sorted(WORLDS).index(name)])
    arrays = (world or WORLDS[name]).simulate(trajectories + test, length, rng)
    arrays["split"] = np.array(["train"] * trajectories + ["test"] * test)
    return arrays


def write(name: str, path: Path, seed: int = 0, trajectories: int = 256, test: int = 64, length: int = 30) -> Path:
    """Simulate world ``name`` from ``seed`` (:func:`draw`) and save it."""
    arrays = draw(name, seed, trajectories, test, length)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="Folder for <world>.npz.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name in WORLDS:
        print(write(name, args.out / f"{name}.npz", args.seed))


if __name__ == "__main__":
    main()
