"""The strawberry schema: types, queries, mutations, loaders, permissions and extensions."""
