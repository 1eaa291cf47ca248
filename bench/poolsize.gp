# gnuplot -e "data='target/bench/<run>/poolsize.dat'; out='docs/img/pool-size.png'" bench/poolsize.gp
set terminal pngcairo size 900,500 font "sans,11"
set output out
set title "GET /api/me, 64 connections, direct: throughput and p99 against pool size"
set xlabel "--pool-max-total"
set logscale x 2
set xrange [0.8:20]
set xtics (1, 2, 4, 8, 16)
set ylabel "requests/s"
set y2label "p99 latency (ms)"
set y2tics
set ytics nomirror
set key top right
set offsets 0, 0, graph 0.3, 0
set yrange [0:*]
set y2range [0:*]
set grid
plot data using 1:2 with linespoints lw 2 title "requests/s (me alone)" axes x1y1, \
     data using 1:3 with linespoints lw 2 title "p99 ms (me alone)" axes x1y2, \
     data using 1:4 with linespoints lw 2 dt 2 title "p99 ms (me, in mixed)" axes x1y2
