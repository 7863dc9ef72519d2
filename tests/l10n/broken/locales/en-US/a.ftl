# c
a = A
    .title = T
# c
b = B { $n }
# c
c = C
# c
d = { $n ->
    [one] One
   *[other] Many
}
# c
e = E
