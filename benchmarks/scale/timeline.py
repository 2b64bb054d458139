"""The scale run's timeline, in seconds from the start: the phases reported and the faults that make
them. ``python benchmarks/scale/timeline.py`` prints the faults for ``scale.sh`` to act on."""

#: (name, start, end): the windows the report is split into.
PHASES = [
    ("both app servers up", 0, 30),
    ("one app server down", 30, 60),
    ("Redis down", 70, 90),
    ("PostgreSQL restart", 92, 112),
]
#: The first two phases are the 60 s run the headline figures come from.
MAIN = (0, 60)
END = 112
#: (second, action): scale.sh has a function of each action's name.
FAULTS = [
    (30, "stop_app1"),
    (60, "start_app1"),
    (70, "stop_redis"),
    (90, "start_redis"),
    (94, "restart_postgres"),
]

if __name__ == "__main__":
    for second, action in FAULTS:
        print(second, action)
    print(END, "end")
