<?php

namespace Illuminate\Database;

/**
 * Eloquent's QueryException, which Aurora's database layer throws when MariaDB refuses a statement.
 */
class QueryException extends \PDOException
{
    protected $connectionName;

    protected $sql;

    protected $bindings;

    public function __construct($connectionName, $sql, array $bindings, \Throwable $previous)
    {
        parent::__construct($previous->getMessage() . ' (Connection: ' . $connectionName . ', SQL: ' . $sql . ')', 0,
            $previous);
        $this->connectionName = $connectionName;
        $this->sql = $sql;
        $this->bindings = $bindings;
        $this->code = $previous->getCode();
    }

    public function getSql()
    {
        return $this->sql;
    }

    public function getBindings()
    {
        return $this->bindings;
    }
}
