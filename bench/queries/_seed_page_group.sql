           -- Page-group popularity, one draw shared by every seeded table: `page_u` (uniform in
           -- [0, 1), from a hash of the row) through the inverse CDF of a bounded power law
           -- over ranks 1..groups, P(rank k) ~ k^-skew: skew 0 is uniform, 1 is Zipf's law
           -- (rank 1, '/g/0', takes about ln 2 / ln(groups + 1) of the traffic). The last item
           -- of its SELECT list: the include line cannot carry a comma.
           concat('/g/', toString(least({groups:UInt32} - 1, toUInt32(
               if({skew:Float64} = 1, pow({groups:UInt32} + 1, page_u),
                  pow((pow({groups:UInt32} + 1, 1 - {skew:Float64}) - 1) * page_u + 1,
                      1 / (1 - {skew:Float64})))) - 1))) AS page_group
