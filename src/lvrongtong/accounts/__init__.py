"""Enterprise carbon accounts (企业碳账户)."""
