#!/usr/bin/env python3
"""Per-step medians of one build from the perf traces written by bench/breakdown.sh (server.pt, builder.pt)."""
import re, sys, statistics

LINE = re.compile(r'^\s*([\d.]+|\?) \(\s*([\d.]*)\s*(?:ms)?\): (.+?)/(\d+)\s+(?:\.\.\. \[continued\]: )?(\w+)\((.*?)\)\s*(?:=\s*(-?\d+))?')


def parse(path):
    events = []
    for raw in open(path):
        m = LINE.match(raw)
        if not m or m.group(1) == '?':
            continue
        ts = float(m.group(1))
        dur = float(m.group(2)) if m.group(2) else None
        events.append(dict(ts=ts, dur=dur, comm=m.group(3), tid=int(m.group(4)), sc=m.group(5), args=m.group(6),
                           ret=int(m.group(7)) if m.group(7) else None, cont='[continued]' in raw, raw=raw))
    return events


def main(folder):
    b = parse(folder + '/builder.pt')
    s = parse(folder + '/server.pt')
    marks = []
    # builder: each build starts with recvfrom of the build message (60-90 bytes)
    starts = [e for e in b if e['sc'] == 'recvfrom' and e['ret'] and 55 <= e['ret'] <= 120 and 'PEEK' not in e['args']]
    steps = {}

    def add(name, v):
        steps.setdefault(name, []).append(v)

    for i, st in enumerate(starts):
        end = starts[i + 1]['ts'] if i + 1 < len(starts) else 1e18
        win = [e for e in b if st['ts'] <= e['ts'] < end]
        A = st['ts'] + (st['dur'] or 0)
        clones = [e for e in win if e['sc'] == 'clone3' and not e['cont']]
        execs = [e for e in win if e['sc'] == 'execve' and e['dur'] is not None]
        exits = [e for e in win if e['sc'] == 'exit_group' and e['comm'] not in ('simplebb-builde',)]
        waits = [e for e in win if e['sc'] == 'wait4' and e['dur'] is not None]
        syncs = [e for e in win if e['sc'] in ('fsync', 'fdatasync') and e['dur'] is not None]
        sends = [e for e in win if e['sc'] == 'sendto' and e['ret'] and e['ret'] > 250]
        if not (clones and execs and exits and waits and sends):
            continue
        B = clones[0]['ts']
        C = execs[0]['ts'] + execs[0]['dur']
        D = exits[0]['ts']
        E = waits[0]['ts'] + waits[0]['dur']
        H = sends[0]['ts']
        F = min((x['ts'] for x in syncs if x['ts'] >= E), default=H)
        G = max((x['ts'] + x['dur'] for x in syncs if x['ts'] >= E and x['ts'] < H), default=F)
        add('1 builder: build message received -> spawn starts', B - A)
        add('2 spawn (posix_spawn until the script has exec\'d)', C - B)
        add('3 script runs (sh: exit 0)', D - C)
        add('4 script exit -> builder has its status (waitpid)', E - D)
        add('5 builder: status -> outbox sync starts', F - E)
        add('6 outbox: write + fsync file + fsync folder', G - F)
        add('7 builder: synced -> result sent', H - G)
        # server side for this result
        rec = [e for e in s if e['sc'] == 'recvfrom' and e['ret'] and e['ret'] > 250 and e['ts'] >= H - 0.001]
        if not rec:
            continue
        I = rec[0]['ts']
        nxt = [e for e in s if e['ts'] > I]
        ssync = [e for e in nxt if e['sc'] in ('fsync', 'fdatasync') and e['dur'] is not None]
        acks = [e for e in nxt if e['sc'] == 'sendto' and e['ret'] and e['ret'] < 60]
        answers = [e for e in nxt if e['sc'] == 'sendto' and e['ret'] and e['ret'] > 250]
        if not (ssync and acks and answers):
            continue
        add('8 loopback: result sent -> server reads it', I - H)
        J = ssync[0]['ts'] + ssync[0]['dur']
        add('9 server: journal append + fsync', J - I)
        add('10 server: synced -> ack to builder', acks[0]['ts'] - J)
        add('11 server: synced -> result to the waiting suggester', answers[0]['ts'] - J)
        after = [x for x in ssync[1:] if x['ts'] >= answers[0]['ts'] - 0.5]
        if after:
            add('12 server.log write + fsync (after the answer)', after[0]['ts'] + after[0]['dur'] - after[0]['ts'])
        add('= build message received -> result answered', answers[0]['ts'] - A)
    # suggest -> build message
    sugg = [e for e in s if e['sc'] == 'recvfrom' and e['ret'] and 150 <= e['ret'] <= 250 and 'PEEK' not in e['args']]
    for e in sugg:
        out = [x for x in s if x['ts'] > e['ts'] and x['sc'] == 'sendto' and x['ret'] and 55 <= x['ret'] <= 120]
        if out:
            add('0 server: suggestion read -> build message sent', out[0]['ts'] - e['ts'])
    for k in sorted(steps, key=lambda k: (k[0] == '=', int(k.split()[0]) if k[0].isdigit() else 99)):
        v = steps[k]
        print(f"| {k} | {statistics.median(v):.3f} ms | {len(v)} |")


main(sys.argv[1])
