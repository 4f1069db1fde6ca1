module gearspec/peers/drivers/go

go 1.22

require github.com/mikespook/gearman-go v0.0.0-20220520031403-2a518e866145
